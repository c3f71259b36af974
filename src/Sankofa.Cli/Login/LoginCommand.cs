using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Cli.Api;

namespace Sankofa.Cli.Login;

/// <summary>
/// <c>sankofa login</c> (the OAuth device flow: the CLI shows a code, the user approves it in a browser at the server's
/// <c>/connect/verify</c>), <c>sankofa logout</c>, <c>sankofa whoami</c> and <c>sankofa token</c>. The tokens are kept per server by
/// <see cref="CliCredentials"/> and sent by every other command.
/// </summary>
internal static class LoginCommand
{
    public static IEnumerable<Command> Create()
    {
        var login = new Command("login", "Sign in through the browser (device code) and keep the tokens for this server.");
        login.SetAction(LoginAsync);

        var logout = new Command("logout", "Forget this server's tokens.");
        logout.SetAction(parse =>
        {
            CliCredentials.Save(parse.GetValue(SankofaCommand.Server)!, null);
            parse.InvocationConfiguration.Output.WriteLine("Signed out.");
            return 0;
        });

        var whoami = new Command("whoami", "Who the server says you are: identity, roles and what they allow.");
        whoami.SetAction(async (parse, cancellationToken) =>
        {
            using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
            try
            {
                var me = await api.GetAsync<JsonElement>("api/v1/me", cancellationToken);
                parse.InvocationConfiguration.Output.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json
                    ? me.GetRawText()
                    : $"{me.GetProperty("name").GetString()} ({me.GetProperty("id").GetString()}), roles: {string.Join(", ", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))}");
                return 0;
            }
            catch (HttpRequestException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa whoami: {ex.Message} (sign in with 'sankofa login')");
                return 2;
            }
        });

        var token = new Command("token", "Print the access token for this server (renewed if it expired), for curl and scripts: -H \"authorization: Bearer $(sankofa token)\".");
        token.SetAction(async (parse, cancellationToken) =>
        {
            using var handler = new BearerTokenHandler(parse.GetValue(SankofaCommand.Server)!);
            if (await handler.TokenAsync(cancellationToken) is not { } current)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("sankofa token: not signed in to this server (sign in with 'sankofa login').");
                return 2;
            }

            parse.InvocationConfiguration.Output.WriteLine(current);
            return 0;
        });

        return [login, logout, whoami, token];
    }

    private static async Task<int> LoginAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var server = parse.GetValue(SankofaCommand.Server)!;
        var output = parse.InvocationConfiguration.Output;
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        using var started = await http.PostAsync("connect/device", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = CliCredentials.ClientId, ["scope"] = "openid profile offline_access sankofa",
        }), cancellationToken);
        var device = await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!started.IsSuccessStatusCode)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa login: the server refused to start a sign-in: {device}");
            return 2;
        }

        var code = device.GetProperty("user_code").GetString()!;
        var uri = device.TryGetProperty("verification_uri_complete", out var complete) ? complete.GetString() : device.GetProperty("verification_uri").GetString();
        output.WriteLine($"Open {uri} in a browser, sign in, and approve the code {code}.");
        output.Flush();

        var interval = TimeSpan.FromSeconds(device.TryGetProperty("interval", out var i) ? i.GetInt32() : 5);
        var expires = DateTimeOffset.UtcNow.AddSeconds(device.GetProperty("expires_in").GetInt32());
        var poll = new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["client_id"] = CliCredentials.ClientId,
            ["device_code"] = device.GetProperty("device_code").GetString()!,
        };
        while (DateTimeOffset.UtcNow < expires)
        {
            await Task.Delay(interval, cancellationToken);
            using var answer = await http.PostAsync("connect/token", new FormUrlEncodedContent(poll), cancellationToken);
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (answer.IsSuccessStatusCode)
            {
                CliCredentials.Save(server, CliCredentials.FromAnswer(body, DateTimeOffset.UtcNow));
                output.WriteLine("Signed in.");
                return 0;
            }

            switch (body.TryGetProperty("error", out var error) ? error.GetString() : null)
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    // RFC 8628: the server asks for five more seconds between polls.
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                default:
                    await parse.InvocationConfiguration.Error.WriteLineAsync(
                        $"sankofa login: {(body.TryGetProperty("error_description", out var why) ? why.GetString() : body.ToString())}");
                    return 1;
            }
        }

        await parse.InvocationConfiguration.Error.WriteLineAsync("sankofa login: the code expired before it was approved.");
        return 1;
    }
}
