namespace Sankofa.Server.GraphQL;

/// <summary>
/// What one GraphQL document may ask for (configuration section <c>GraphQL</c>). A document over a limit is refused
/// with an error naming the limit before anything runs: links between sites let a short document ask for millions of
/// objects.
/// </summary>
public sealed class GraphQLLimitsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "GraphQL";

    /// <summary>Characters in the document (the <c>query</c> text). Default 16,384.</summary>
    public int MaxDocumentLength { get; set; } = 16_384;

    /// <summary>Levels of nested selections. Default 15 (the introspection query tools send needs 12).</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>
    /// Fields the document may resolve, each counted once per object it is asked of: a list multiplies its children
    /// by its <c>first</c> argument (or the page it sits in), else by 5. Default 25,000: 500 sites with 50 fields each.
    /// </summary>
    public int MaxComplexity { get; set; } = 25_000;

    /// <summary>Aliased fields in the document (aliases ask for the same field many times over). Default 30.</summary>
    public int MaxAliases { get; set; } = 30;
}
