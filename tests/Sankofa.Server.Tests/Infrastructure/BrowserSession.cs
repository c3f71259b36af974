using Microsoft.Playwright;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// One test's browser: its own context and page, and <see cref="CheckAsync"/> to record each page the test reaches
/// (a full-page screenshot in <see cref="ScreenshotDirectory"/>) and hold it to the accessibility bar.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private int step;

    private BrowserSession(IBrowserContext context, IPage page, string screenshotDirectory)
    {
        this.context = context;
        Page = page;
        ScreenshotDirectory = screenshotDirectory;
    }

    /// <summary>The page the test drives.</summary>
    public IPage Page { get; }

    /// <summary>Where this test's screenshots go: <c>artifacts/screenshots/&lt;test class&gt;/&lt;test&gt;</c> under the repository root.</summary>
    public string ScreenshotDirectory { get; }

    internal static async Task<BrowserSession> OpenAsync(IBrowser browser, Uri baseAddress, string testClass, string test)
    {
        // Emptied first, so what is there after a run is what this run saw.
        var directory = Path.Combine(Repository.Root, "artifacts", "screenshots", testClass, test);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString(), Locale = "en-US", ViewportSize = new() { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout((float)BrowserFixture.Patience.TotalMilliseconds);
        return new BrowserSession(context, await context.NewPageAsync(), directory);
    }

    /// <summary>
    /// Saves a full-page screenshot of the page as it is now (<c>NN-&lt;name&gt;.png</c>, numbered in the order taken)
    /// and fails the test when axe finds a serious or critical accessibility violation on it.
    /// </summary>
    /// <param name="name">What the page is, for the file name and the failure message: "sign-in", "wrong-password".</param>
    public async Task CheckAsync(string name)
    {
        await ScreenshotAsync(name);
        await Accessibility.AssertNoSeriousViolationsAsync(Page, name, Path.Combine(ScreenshotDirectory, $"{step:00}-{name}.axe.txt"));
    }

    /// <summary>Saves a full-page screenshot without the accessibility check (a page in the middle of changing, say).</summary>
    /// <returns>The file written.</returns>
    public async Task<string> ScreenshotAsync(string name)
    {
        var file = Path.Combine(ScreenshotDirectory, $"{++step:00}-{name}.png");
        await Page.ScreenshotAsync(new() { Path = file, FullPage = true });
        return file;
    }

    public async ValueTask DisposeAsync()
    {
        // The page as the test left it: when a test fails between two checks, this shows where it stood.
        try
        {
            await ScreenshotAsync("end");
        }
        catch (PlaywrightException)
        {
            // A page that crashed or closed has nothing to show; the test's own failure says why.
        }

        await context.CloseAsync();
    }
}
