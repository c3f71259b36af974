using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Sankofa.Proxmox.Emulator.Api;

/// <summary>
/// Fault injection over HTTP for processes that hold no reference to the emulator (an operator poking <c>sankofa up</c>):
/// <c>POST /_emulator/clusters/{id}/faults</c> with one JSON command, answered 204, or 400/404 naming what is wrong.
/// </summary>
internal sealed class FaultApi(Func<string, EmulatedCluster?> findCluster)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task HandleAsync(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Trim('/').Split('/');
        if (segments is not ["_emulator", "clusters", var id, "faults"] || context.Request.Method != "POST")
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (findCluster(id) is not { } cluster)
        {
            await Problem(context, 404, $"No emulated cluster '{id}'").ConfigureAwait(false);
            return;
        }

        FaultCommand? command;
        try
        {
            command = await JsonSerializer.DeserializeAsync<FaultCommand>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await Problem(context, 400, "Invalid JSON: " + e.Message).ConfigureAwait(false);
            return;
        }

        try
        {
            switch (command)
            {
                case { Kind: "fail-task", TaskType: { } type }:
                    cluster.FailNextTasks(type, command.ExitStatus ?? "emulated failure", command.Count ?? 1);
                    break;
                case { Kind: "task-duration", TaskType: { } type, Milliseconds: { } ms }:
                    cluster.SetTaskDuration(type, TimeSpan.FromMilliseconds(ms));
                    break;
                case { Kind: "node-online", Node: { } node, Online: { } online }:
                    cluster.SetNodeOnline(node, online);
                    break;
                case { Kind: "reachable", Online: { } reachable }:
                    cluster.Reachable = reachable;
                    break;
                default:
                    await Problem(context, 400, "kind must be fail-task (taskType, exitStatus, count), task-duration (taskType, milliseconds), node-online (node, online) or reachable (online)").ConfigureAwait(false);
                    return;
            }
        }
        catch (ArgumentException e)
        {
            await Problem(context, 400, e.Message).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 204;
    }

    private static Task Problem(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { status, detail }, context.RequestAborted);
    }

    private sealed record FaultCommand(
        [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("taskType")] string? TaskType,
        [property: JsonPropertyName("exitStatus")] string? ExitStatus,
        [property: JsonPropertyName("count")] int? Count,
        [property: JsonPropertyName("milliseconds")] int? Milliseconds,
        [property: JsonPropertyName("node")] string? Node,
        [property: JsonPropertyName("online")] bool? Online);
}
