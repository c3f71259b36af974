using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sankofa.Server.Tests.Identity;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Login;

/// <summary>
/// <c>sankofa login</c> against a real server: the CLI shows a code, a browser (real HTTP, the sign-in and approval
/// forms) approves it, the CLI keeps the tokens (owner-only file) and every command then sends them; <c>logout</c>
/// forgets them.
/// </summary>
public sealed partial class LoginCommandTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private TestServer server = null!;

    public async Task InitializeAsync() => server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Login_shows_a_code_the_browser_approves_keeps_the_tokens_and_whoami_and_logout_use_them()
    {
        var (id, userName) = await TestIdentities.UserAsync(server, "viewer@t-cli", Password);
        var output = new StringWriter();
        var login = Run(output, "login");

        // The code the CLI prints, as a person would read it.
        string? code = null;
        for (var i = 0; i < 300 && code is null; i++)
        {
            code = ShownCode().Match(output.ToString()) is { Success: true } m ? m.Groups[1].Value : null;
            await Task.Delay(100);
        }

        Assert.NotNull(code);
        var browser = new OidcFlows(server.Address);
        var verify = "/connect/verify?user_code=" + Uri.EscapeDataString(code);
        using (var signedIn = await browser.SignInAsync(verify, userName, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var form = await browser.FormAsync(verify.TrimStart('/'));
        using (await browser.PostFormAsync(verify.TrimStart('/'), new() { ["__RequestVerificationToken"] = form, ["user_code"] = code, ["decision"] = "approve" }))
        {
        }

        Assert.Equal(0, await login);
        Assert.Contains("Signed in.", output.ToString(), StringComparison.Ordinal);
        var stored = Path.Combine(CliConfig.Directory, "credentials.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stored));
        }

        var whoami = new StringWriter();
        Assert.Equal(0, await Run(whoami, "whoami", "--output", "json"));
        var me = JsonDocument.Parse(whoami.ToString()).RootElement;
        Assert.Equal(id, me.GetProperty("id").GetString());
        Assert.Equal(["viewer@t-cli"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // The token for curl: the one the CLI sends, accepted by the API.
        var printed = new StringWriter();
        Assert.Equal(0, await Run(printed, "token"));
        using (var withPrinted = await TestIdentities.MeAsync(server, printed.ToString().Trim()))
        {
            Assert.Equal(HttpStatusCode.OK, withPrinted.StatusCode);
        }

        Assert.Equal(0, await Run(new StringWriter(), "logout"));
        Assert.Equal(2, await Run(new StringWriter(), "token"));
        Assert.Equal(2, await Run(new StringWriter(), "whoami"));
    }

    private Task<int> Run(StringWriter output, params string[] args) =>
        SankofaCommand.Create().Parse([.. args, "--server", server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = TextWriter.Null });

    [GeneratedRegex("approve the code ([A-Z0-9-]+)")]
    private static partial Regex ShownCode();
}
