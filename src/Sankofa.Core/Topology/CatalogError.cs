namespace Sankofa.Core.Topology;

/// <summary>One thing wrong with a site catalog.</summary>
/// <param name="SiteId">The site at fault (or its position, <c>sites[7]</c>, when it has no usable id); <c>null</c> for the catalog as a whole.</param>
/// <param name="Field">The field at fault, as written in the catalog file (e.g. <c>jurisdiction</c>, <c>hosts[1].vcpu</c>).</param>
/// <param name="Message">What is wrong, for a person.</param>
public sealed record CatalogError(string? SiteId, string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => SiteId is null ? $"{Field}: {Message}" : $"site {SiteId}, {Field}: {Message}";
}

/// <summary>A site catalog was rejected; <see cref="Errors"/> names each site and field at fault.</summary>
public sealed class CatalogValidationException : Exception
{
    /// <summary>Creates the exception from at least one error.</summary>
    public CatalogValidationException(IReadOnlyList<CatalogError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Creates the exception with a message only (required by convention; prefer the errors constructor).</summary>
    public CatalogValidationException(string message)
        : base(message) => Errors = [new CatalogError(null, "catalog", message)];

    /// <summary>Creates an exception with no details (required by convention).</summary>
    public CatalogValidationException()
        : this("The site catalog is invalid.")
    {
    }

    /// <summary>Creates the exception wrapping a parse failure.</summary>
    public CatalogValidationException(string message, Exception innerException)
        : base(message, innerException) => Errors = [new CatalogError(null, "catalog", message)];

    /// <summary>Every problem found, in catalog order.</summary>
    public IReadOnlyList<CatalogError> Errors { get; }

    /// <summary>The site of the first problem.</summary>
    public string? SiteId => Errors[0].SiteId;

    /// <summary>The field of the first problem.</summary>
    public string Field => Errors[0].Field;

    private static string Describe(IReadOnlyList<CatalogError> errors)
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        var shown = string.Join("; ", errors.Take(5));
        return errors.Count > 5 ? $"Site catalog rejected: {shown}; and {errors.Count - 5} more." : $"Site catalog rejected: {shown}.";
    }
}
