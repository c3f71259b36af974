using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// One headless Chromium for the tests of a class (<c>IClassFixture&lt;BrowserFixture&gt;</c>), started once; each test
/// opens its own <see cref="BrowserSession"/> (a fresh context: no cookies or storage shared between tests).
/// </summary>
/// <remarks>
/// Debian's Chromium, not a Playwright download: these machines reach Debian's packages and not Playwright's CDN, and
/// <c>scripts/chromium.sh</c> (run by <c>test.sh</c>) installs it when absent. <c>SANKOFA_TEST_CHROMIUM</c> names
/// another executable where /usr/bin/chromium does not exist.
/// </remarks>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>How long an action or an <c>Expect</c> waits for the page: generous, the machines are small and shared.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private IPlaywright? playwright;

    /// <summary>The running Chromium.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The Chromium executable the tests launch.</summary>
    public static string Executable => Environment.GetEnvironmentVariable("SANKOFA_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"No Chromium at {Executable}: run scripts/chromium.sh (test.sh does) or set SANKOFA_TEST_CHROMIUM.");
        }

        playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true });
    }

    /// <summary>
    /// A fresh browser context and page for one test, whose relative URLs resolve against <paramref name="baseAddress"/>;
    /// its screenshots go to <c>artifacts/screenshots/&lt;test class&gt;/&lt;test&gt;/</c>.
    /// </summary>
    /// <remarks>The class is the test file's name up to its first dot, so a partial class's files (<c>PortalTests.Identity.cs</c>) share one folder.</remarks>
    public Task<BrowserSession> OpenAsync(Uri baseAddress, [CallerFilePath] string testFile = "", [CallerMemberName] string test = "") =>
        BrowserSession.OpenAsync(Browser, baseAddress, Path.GetFileName(testFile).Split('.')[0], test);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
    }
}
