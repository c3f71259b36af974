using System.Globalization;

namespace Sankofa.Proxmox.Api;

/// <summary>A parsed task id: <c>UPID:node:pid:pstart:starttime:type:id:user:</c> (pid, pstart and starttime in hex).</summary>
/// <param name="Node">The node running the task.</param>
/// <param name="Pid">Worker process id.</param>
/// <param name="StartTime">When the task started.</param>
/// <param name="Type">Task type, for example <c>qmclone</c>.</param>
/// <param name="Id">The task's object, usually a VM id.</param>
/// <param name="User">Who started it.</param>
public sealed record Upid(string Node, int Pid, DateTimeOffset StartTime, string Type, string Id, string User)
{
    /// <summary>Parses a UPID.</summary>
    /// <exception cref="FormatException">Not a UPID.</exception>
    public static Upid Parse(string upid)
    {
        ArgumentNullException.ThrowIfNull(upid);
        var parts = upid.Split(':');
        if (parts.Length < 9 || parts[0] != "UPID"
            || !int.TryParse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[4], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start))
        {
            throw new FormatException($"'{upid}' is not a Proxmox UPID (UPID:node:pid:pstart:starttime:type:id:user:).");
        }

        return new Upid(parts[1], pid, DateTimeOffset.FromUnixTimeSeconds(start), parts[5], parts[6], parts[7]);
    }
}
