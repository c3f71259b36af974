using System.Globalization;

namespace Sankofa.Proxmox.Emulator.State;

/// <summary>A worker task as Proxmox reports it; its effect is applied when a request first sees it finished.</summary>
internal sealed class EmulatedTask
{
    public required string Upid { get; init; }
    public required string Node { get; init; }
    public required int Pid { get; init; }
    public required int PStart { get; init; }
    public required long StartTime { get; init; }
    public required string Type { get; init; }
    public required string Id { get; init; }
    public required string User { get; init; }
    public required DateTimeOffset EndsAt { get; set; }

    /// <summary>The exit status the task ends with when it fails; null: it succeeds ("OK").</summary>
    public string? Failure { get; set; }

    public Action? OnSuccess { get; init; }
    public Action? OnFailure { get; init; }
    public int? VmId { get; init; }
    public string? ExitStatus { get; private set; }
    public bool Finished => ExitStatus is not null;

    public void Finish()
    {
        if (Failure is null)
        {
            OnSuccess?.Invoke();
            ExitStatus = "OK";
        }
        else
        {
            OnFailure?.Invoke();
            ExitStatus = Failure;
        }
    }

    // UPID:node:pid:pstart:starttime:type:id:user: with pid, pstart and starttime in upper-case hex, as pve-common writes it.
    public static string FormatUpid(string node, int pid, int pstart, long startTime, string type, string id, string user) =>
        string.Create(CultureInfo.InvariantCulture, $"UPID:{node}:{pid:X8}:{pstart:X8}:{startTime:X8}:{type}:{id}:{user}:");
}
