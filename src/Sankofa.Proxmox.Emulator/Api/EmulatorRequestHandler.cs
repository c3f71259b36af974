using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sankofa.Proxmox.Emulator.Schema;

namespace Sankofa.Proxmox.Emulator.Api;

/// <summary>
/// The HTTP face of every emulated cluster: <c>/clusters/{id}/api2/json/…</c>. In Proxmox's order it matches the path
/// against the schema, authenticates (API token, or ticket cookie plus CSRF token on writes), checks the parameters,
/// and only then runs the endpoint; answers use the <c>{"data": …}</c> envelope and Proxmox's status lines.
/// </summary>
internal sealed class EmulatorRequestHandler(ApiSchema schema, Func<string, EmulatedCluster?> findCluster)
{
    private const string ApiPrefix = "/api2/json";
    private readonly ApiMethod _configSchema = schema.Match("/nodes/n/qemu/100/config", out _)!.Methods["PUT"];

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var segments = path.Split('/', 4, StringSplitOptions.None);
        // ["", "clusters", "{id}", "api2/json/..."]
        if (segments.Length < 4 || segments[1] != "clusters" || !segments[3].StartsWith(ApiPrefix[1..], StringComparison.Ordinal))
        {
            await WriteAsync(context, new ApiResult(404, null, "Not found: use /clusters/{id}/api2/json/…")).ConfigureAwait(false);
            return;
        }

        var cluster = findCluster(segments[2]);
        if (cluster is null)
        {
            await WriteAsync(context, new ApiResult(404, null, $"No emulated cluster '{segments[2]}'")).ConfigureAwait(false);
            return;
        }

        if (!cluster.Reachable)
        {
            // An unreachable cluster does not answer at all: drop the connection.
            context.Abort();
            return;
        }

        cluster.CountRequest();
        var apiPath = "/" + segments[3][(ApiPrefix.Length - 1)..].TrimStart('/');
        var result = await HandleApiAsync(context, cluster, apiPath.TrimEnd('/') is { Length: > 0 } p ? p : "/").ConfigureAwait(false);
        await WriteAsync(context, result).ConfigureAwait(false);
    }

    private async Task<ApiResult> HandleApiAsync(HttpContext context, EmulatedCluster cluster, string apiPath)
    {
        var method = context.Request.Method;
        var endpoint = schema.Match(apiPath, out var pathParameters);
        if (endpoint is null || !endpoint.Methods.TryGetValue(method, out var definition))
        {
            return ApiResult.NotImplemented(method, ApiPrefix + apiPath);
        }

        var parameters = await ReadParametersAsync(context.Request).ConfigureAwait(false);
        if (parameters is null)
        {
            return new ApiResult(400, null, "Invalid request body");
        }

        foreach (var (name, value) in pathParameters)
        {
            parameters[name] = value;
        }

        lock (cluster.Gate)
        {
            cluster.Advance();
            if (endpoint.Path == "/access/ticket")
            {
                return definition.Validate(parameters) is { Count: > 0 } ticketErrors ? ApiResult.InvalidParameters(ticketErrors) : Login(cluster, parameters);
            }

            var user = Authenticate(context.Request, cluster, method, out var denied);
            if (user is null)
            {
                return denied!;
            }

            var errors = definition.Validate(parameters);
            if (errors.Count > 0)
            {
                return ApiResult.InvalidParameters(errors);
            }

            var result = new ClusterApi(cluster, _configSchema).Handle(endpoint.Path, new ApiRequest(method, ApiPrefix + apiPath, parameters, user));
            if (method != "GET" && result.Status == 200)
            {
                cluster.MarkChanged();
            }

            return result;
        }
    }

    private static ApiResult Login(EmulatedCluster cluster, Dictionary<string, string> parameters)
    {
        var username = parameters["username"];
        if (!username.Contains('@', StringComparison.Ordinal))
        {
            username += "@" + (parameters.GetValueOrDefault("realm") ?? "pam");
        }

        if (username != cluster.Username || parameters["password"] != cluster.Password)
        {
            return ApiResult.Unauthorized("authentication failure");
        }

        var ticket = cluster.IssueTicket(username);
        return ApiResult.Ok(new JsonObject
        {
            ["username"] = username, ["ticket"] = ticket, ["CSRFPreventionToken"] = EmulatedCluster.CsrfTokenFor(ticket), ["clustername"] = cluster.Id,
            ["cap"] = new JsonObject(),
        });
    }

    private static string? Authenticate(HttpRequest request, EmulatedCluster cluster, string method, out ApiResult? denied)
    {
        denied = null;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("PVEAPIToken", StringComparison.Ordinal))
        {
            // PVEAPIToken=USER@REALM!TOKENID=SECRET (Proxmox also accepts a space or colon before the id).
            var value = authorization["PVEAPIToken".Length..].TrimStart('=', ' ', ':');
            var equals = value.LastIndexOf('=');
            if (equals > 0 && value[..equals] == cluster.TokenId && value[(equals + 1)..] == cluster.TokenSecret)
            {
                return cluster.TokenId;
            }

            denied = ApiResult.Unauthorized("invalid token value!");
            return null;
        }

        if (request.Cookies.TryGetValue("PVEAuthCookie", out var ticket) && !string.IsNullOrEmpty(ticket))
        {
            if (!cluster.TicketValid(ticket))
            {
                denied = ApiResult.Unauthorized("permission denied - invalid PVE ticket");
                return null;
            }

            if (method != "GET" && request.Headers["CSRFPreventionToken"].ToString() != EmulatedCluster.CsrfTokenFor(ticket))
            {
                denied = ApiResult.Unauthorized("Permission denied - invalid csrf token");
                return null;
            }

            return ticket.Split(':')[1];
        }

        denied = ApiResult.Unauthorized("No ticket");
        return null;
    }

    // Proxmox takes parameters from the query string and from a form or JSON body alike.
    private static async Task<Dictionary<string, string>?> ReadParametersAsync(HttpRequest request)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            parameters[key] = value.ToString();
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync().ConfigureAwait(false);
            foreach (var (key, value) in form)
            {
                parameters[key] = value.ToString();
            }
        }
        else if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                var body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false);
                foreach (var (key, value) in body as JsonObject ?? [])
                {
                    parameters[key] = value switch
                    {
                        JsonValue v when v.GetValueKind() == JsonValueKind.True => "1",
                        JsonValue v when v.GetValueKind() == JsonValueKind.False => "0",
                        null => "",
                        _ => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(),
                    };
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return parameters;
    }

    private static async Task WriteAsync(HttpContext context, ApiResult result)
    {
        context.Response.StatusCode = result.Status;
        if (result.Message is not null)
        {
            // Proxmox puts the error in the status line; the body carries it too for clients that cannot read reason phrases.
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = result.Message.ReplaceLineEndings(" ");
        }

        var body = new JsonObject { ["data"] = result.Data };
        if (result.Errors is { Count: > 0 })
        {
            body["errors"] = new JsonObject(result.Errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)(e.Value + "\n"))));
        }

        if (result.Message is not null)
        {
            body["message"] = result.Message + "\n";
        }

        context.Response.ContentType = "application/json;charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
