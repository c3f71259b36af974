using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Provisioning;

namespace Sankofa.Cli.Vm;

/// <summary><c>sankofa vm create|list|show|resize|delete|verify</c>: VM resources through the API, verified against the chain itself.</summary>
internal static class VmCommand
{
    /// <summary>Exit code: done (or verified).</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the VM failed, or verification found a mismatch.</summary>
    public const int Failed = 1;

    /// <summary>Exit code: usage, refusal or connection error.</summary>
    public const int Error = 2;

    /// <summary>Exit code: not there yet (timed out waiting, or not yet verified on chain).</summary>
    public const int Pending = 3;

    public static Command Create()
    {
        var vm = new Command("vm", "Virtual machines: request, list, show, resize, delete, and verify on chain.");
        vm.Subcommands.Add(CreateCommand());
        vm.Subcommands.Add(ListCommand());
        vm.Subcommands.Add(ShowCommand());
        vm.Subcommands.Add(ResizeCommand());
        vm.Subcommands.Add(DeleteCommand());
        vm.Subcommands.Add(VerifyCommand());
        vm.Subcommands.Add(Hardware.ProvenanceCommand.Create());
        return vm;
    }

    private static Option<TimeSpan> TimeoutOption() => new("--timeout")
    {
        Description = "How long to wait for the VM (hh:mm:ss).", DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
    };

    private static Command CreateCommand()
    {
        var project = new Option<string>("--project") { Description = "The project the VM counts against.", Required = true };
        var name = new Option<string>("--name") { Description = "The VM's name (a DNS label).", Required = true };
        var vcpu = new Option<int>("--vcpu") { Description = "Virtual CPUs.", DefaultValueFactory = _ => 1 };
        var ram = new Option<long>("--ram") { Description = "Memory in MiB.", DefaultValueFactory = _ => 1024 };
        var disk = new Option<long>("--disk") { Description = "Disk in GiB.", DefaultValueFactory = _ => 20 };
        var template = new Option<string>("--template") { Description = "Template to clone.", DefaultValueFactory = _ => "debian-12-cloud" };
        var sshKeys = new Option<string[]>("--ssh-key") { Description = "An OpenSSH public key (repeatable).", AllowMultipleArgumentsPerToken = false };
        var user = new Option<string?>("--user") { Description = "cloud-init user." };
        var tier = new Option<string?>("--tier") { Description = "core, regional or edge." };
        var site = new Option<string?>("--site") { Description = "Pin to this site." };
        var latitude = new Option<double?>("--latitude") { Description = "Where the users are (with --longitude)." };
        var longitude = new Option<double?>("--longitude") { Description = "Where the users are (with --latitude)." };
        var maxRtt = new Option<double?>("--max-rtt") { Description = "Latency target from the users, in ms." };
        var allow = new Option<string[]>("--allow") { Description = "Allowed jurisdiction (ISO 3166-1 alpha-2; repeatable)." };
        var group = new Option<string?>("--anti-affinity-group") { Description = "Keep apart from this group's other VMs." };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat-safe key: the same key returns the VM it created." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the request is accepted." };
        var timeout = TimeoutOption();
        var command = new Command("create", "Request a VM and wait until it is Verified on chain.")
        {
            project, name, vcpu, ram, disk, template, sshKeys, user, tier, site, latitude, longitude, maxRtt, allow, group, key, noWait, timeout,
        };
        command.SetAction((parse, ct) => RunAsync(parse, "create", async api =>
        {
            var body = new Dictionary<string, object?>
            {
                ["projectId"] = parse.GetValue(project), ["name"] = parse.GetValue(name), ["vcpu"] = parse.GetValue(vcpu),
                ["ramMiB"] = parse.GetValue(ram), ["diskGiB"] = parse.GetValue(disk), ["template"] = parse.GetValue(template),
                ["sshKeys"] = parse.GetValue(sshKeys) ?? [], ["cloudInitUser"] = parse.GetValue(user), ["tier"] = parse.GetValue(tier),
                ["siteId"] = parse.GetValue(site), ["maxRttMs"] = parse.GetValue(maxRtt), ["antiAffinityGroup"] = parse.GetValue(group),
            };
            if (parse.GetValue(allow) is { Length: > 0 } jurisdictions)
            {
                body["allowedJurisdictions"] = jurisdictions;
            }

            if (parse.GetValue(latitude) is { } lat && parse.GetValue(longitude) is { } lon)
            {
                body["userLocation"] = new { latitude = lat, longitude = lon };
            }

            var accepted = await api.CreateResourceAsync(body.Where(p => p.Value is not null).ToDictionary(), parse.GetValue(key), ct);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{accepted.Id}: accepted, placed on {accepted.Placement.SiteId}/{accepted.Placement.HostId} — {accepted.Placement.Reason}");
            if (parse.GetValue(noWait))
            {
                Print(parse, accepted);
                return Ok;
            }

            return await WaitAsync(parse, api, accepted.Id, ResourceStatus.Verified, parse.GetValue(timeout), ct);
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var project = new Option<string?>("--project") { Description = "Only this project's VMs." };
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's VMs." };
        var status = new Option<string?>("--status") { Description = "Only VMs in this state (e.g. verified)." };
        var site = new Option<string?>("--site") { Description = "Only VMs on this site." };
        var limit = new Option<int>("--limit") { Description = "At most this many (newest first).", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List VMs, newest first.") { project, tenant, status, site, limit };
        command.SetAction((parse, ct) => RunAsync(parse, "list", async api =>
        {
            var filters = new[] { ("projectId", parse.GetValue(project)), ("tenantId", parse.GetValue(tenant)), ("status", parse.GetValue(status)), ("siteId", parse.GetValue(site)) }
                .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}").ToList();
            var wanted = parse.GetValue(limit);
            var items = new List<ResourceResponse>();
            long? before = null;
            do
            {
                var page = await api.ListResourcesAsync(string.Join('&', filters.Append($"limit={Math.Min(1000, wanted - items.Count)}")
                    .Concat(before is { } b ? [$"before={b}"] : [])), ct);
                items.AddRange(page.Items);
                before = page.Next;
            }
            while (before is not null && items.Count < wanted);

            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(items, SankofaApiClient.Json));
                return Ok;
            }

            parse.InvocationConfiguration.Output.WriteLine($"{"ID",-24} {"NAME",-16} {"STATUS",-13} {"SITE",-14} {"VCPU",4} {"RAM MiB",8} {"DISK GiB",8}  PROJECT");
            foreach (var r in items)
            {
                parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Id,-24} {r.Name,-16} {Lower(r.Status),-13} {r.Placement.SiteId,-14} {r.Spec.Vcpu,4} {r.Spec.RamMiB,8} {r.Spec.DiskGiB,8}  {r.ProjectId}"));
            }

            parse.InvocationConfiguration.Output.WriteLine($"{items.Count} VM(s)");
            return Ok;
        }));
        return command;
    }

    private static Command ShowCommand()
    {
        var id = new Argument<string>("id") { Description = "The VM's resource id." };
        var command = new Command("show", "Show a VM: status, placement and why, history, and what the chain holds.") { id };
        command.SetAction((parse, ct) => RunAsync(parse, "show", async api =>
        {
            Print(parse, await api.GetResourceAsync(parse.GetValue(id)!, ct));
            return Ok;
        }));
        return command;
    }

    private static Command ResizeCommand()
    {
        var id = new Argument<string>("id") { Description = "The VM's resource id." };
        var vcpu = new Option<int?>("--vcpu") { Description = "New number of virtual CPUs." };
        var ram = new Option<long?>("--ram") { Description = "New memory in MiB." };
        var disk = new Option<long?>("--disk") { Description = "New disk size in GiB (disks only grow)." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the resize is accepted." };
        var timeout = TimeoutOption();
        var command = new Command("resize", "Resize a running VM on its host (restarted when CPU or memory change) and wait until the new spec is verified on chain.")
        {
            id, vcpu, ram, disk, noWait, timeout,
        };
        command.SetAction((parse, ct) => RunAsync(parse, "resize", async api =>
        {
            var accepted = await api.ResizeResourceAsync(parse.GetValue(id)!, new ResizeRequestBody(parse.GetValue(vcpu), parse.GetValue(ram), parse.GetValue(disk)), ct);
            if (parse.GetValue(noWait) || accepted.Status == ResourceStatus.Verified)
            {
                Print(parse, accepted); // accepted, or already of that size
                return Ok;
            }

            return await WaitAsync(parse, api, accepted.Id, ResourceStatus.Verified, parse.GetValue(timeout), ct);
        }));
        return command;
    }

    private static Command DeleteCommand()
    {
        var id = new Argument<string>("id") { Description = "The VM's resource id." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the deletion is accepted." };
        var timeout = TimeoutOption();
        var command = new Command("delete", "Delete a VM and wait until it is gone and the deletion is on chain.") { id, noWait, timeout };
        command.SetAction((parse, ct) => RunAsync(parse, "delete", async api =>
        {
            var accepted = await api.DeleteResourceAsync(parse.GetValue(id)!, ct);
            if (parse.GetValue(noWait))
            {
                Print(parse, accepted);
                return Ok;
            }

            return await WaitAsync(parse, api, accepted.Id, ResourceStatus.Deleted, parse.GetValue(timeout), ct);
        }));
        return command;
    }

    private static Command VerifyCommand()
    {
        var id = new Argument<string>("id") { Description = "The VM's resource id." };
        var rpcUrl = UriOption.Create("--rpc-url", "Chain JSON-RPC endpoint to read (default: the one the server names).");
        var contract = new Option<string?>("--contract") { Description = "ResourceRegistry contract address (default: the one the server names)." };
        var command = new Command("verify", "Check from the chain itself that the control plane and the VM's site attested the same spec.") { id, rpcUrl, contract };
        command.SetAction((parse, ct) => RunAsync(parse, "verify", async api =>
        {
            var report = await ResourceVerifier.VerifyAsync(api, parse.GetValue(id)!, parse.GetValue(rpcUrl), parse.GetValue(contract), ct);
            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(report, SankofaApiClient.Json));
            }
            else
            {
                parse.InvocationConfiguration.Output.WriteLine(report.Summary);
                foreach (var check in report.Checks)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"  {(check.Passed ? "✓" : "✗")} {check.Description}");
                }
            }

            return report.ExitCode;
        }));
        return command;
    }

    /// <summary>Polls the VM, printing each new history entry to standard error, until it reaches <paramref name="goal"/>, fails or time runs out.</summary>
    private static async Task<int> WaitAsync(ParseResult parse, SankofaApiClient api, string id, ResourceStatus goal, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var seen = 0;
        while (true)
        {
            var resource = await api.GetResourceAsync(id, ct);
            foreach (var e in (resource.Events ?? []).Skip(seen))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {e.Time.ToLocalTime():HH:mm:ss} {Lower(e.Status),-12} {e.Message}"));
            }

            seen = resource.Events?.Count ?? seen;
            if (resource.Status == goal || resource.Status == ResourceStatus.Failed || DateTimeOffset.UtcNow > deadline)
            {
                Print(parse, resource);
                return resource.Status == goal ? Ok : resource.Status == ResourceStatus.Failed ? Failed : Pending;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    private static void Print(ParseResult parse, ResourceResponse r)
    {
        if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
        {
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(r, SankofaApiClient.Json));
            return;
        }

        parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {r.Id}  {r.Name}  {Lower(r.Status)}{(r.FailureReason is { } why ? $": {why}" : "")}
              project    {r.ProjectId} (tenant {r.TenantId})
              spec       {r.Spec.Vcpu} vCPU, {r.Spec.RamMiB} MiB RAM, {r.Spec.DiskGiB} GiB disk, {r.Spec.Template}{(r.Spec.CloudInitUser is { } u ? $", user {u}" : "")}, {r.Spec.SshKeys.Count} SSH key(s)
              spec hash  {r.SpecHash}
              placement  {r.Placement.SiteId}/{r.Placement.HostId}: {r.Placement.Reason}
              vm         {(r.Vm is { } vm ? $"{vm.Site} {vm.Node}/{vm.VmId}" : "-")}
              on chain   {(r.OnChain is { } c ? $"{Lower(c.State)}{(c.Verified ? ", verified" : "")} (block {c.UpdatedBlock})" : r.OnChainError ?? "-")}
            """));
        foreach (var rejected in r.Placement.Rejected)
        {
            parse.InvocationConfiguration.Output.WriteLine($"  not {rejected.SiteId}: {rejected.Detail}");
        }

        foreach (var e in r.Events ?? [])
        {
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {e.Time.ToLocalTime():yyyy-MM-dd HH:mm:ss} {Lower(e.Status),-12} {e.Message}"));
        }
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static async Task<int> RunAsync(ParseResult parse, string verb, Func<SankofaApiClient, Task<int>> action)
    {
        using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
        try
        {
            return await action(api);
        }
        catch (ApiProblemException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa vm {verb}: {ex.Message}");
            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                parse.InvocationConfiguration.Output.WriteLine(ex.Body);
            }

            return ex.StatusCode == HttpStatusCode.NotFound ? Failed : Error;
        }
        catch (Exception ex) when (ex is HttpRequestException or LedgerUnavailableException or InvalidOperationException or ArgumentException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa vm {verb}: {ex.Message}");
            return Error;
        }
    }
}
