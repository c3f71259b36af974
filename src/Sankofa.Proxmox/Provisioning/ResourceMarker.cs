namespace Sankofa.Proxmox.Provisioning;

/// <summary>
/// How a VM carries the Sankofa resource id it was created for: a line <c>sankofa-resource-id: ID</c> in its
/// description. The description is set by the clone call itself, so the mark exists from the moment the VM does
/// (tags can only be set by a later call, which a crash could skip). Operators may add text around the line.
/// </summary>
public static class ResourceMarker
{
    private const string Prefix = "sankofa-resource-id: ";

    /// <summary>The description a VM made for <paramref name="resourceId"/> is cloned with.</summary>
    public static string Describe(string resourceId) => Prefix + resourceId + "\nCreated by Sankofa; do not edit the line above.";

    /// <summary>The resource id a VM's description carries, or null when it carries none.</summary>
    public static string? Read(string? description)
    {
        if (description is null)
        {
            return null;
        }

        foreach (var line in description.Split('\n'))
        {
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return line[Prefix.Length..].Trim();
            }
        }

        return null;
    }

    /// <summary>Refuses a resource id that cannot travel on one description line.</summary>
    /// <exception cref="ArgumentException">Blank, longer than 200 characters, or with control characters.</exception>
    public static void Check(string resourceId)
    {
        if (string.IsNullOrWhiteSpace(resourceId) || resourceId.Any(char.IsControl) || resourceId.Length > 200)
        {
            throw new ArgumentException("A resource id must be 1–200 printable characters.", nameof(resourceId));
        }
    }
}
