using Xunit.Sdk;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// The accessibility check itself, in the real browser: it must fail on a serious violation and say where, or every
/// page test that relies on it would pass whatever the page.
/// </summary>
public sealed class AccessibilityCheckTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_field_without_a_label_fails_the_check_naming_the_rule_and_the_field()
    {
        await using var session = await browser.OpenAsync(new Uri("http://127.0.0.1/"));
        await session.Page.SetContentAsync("""
            <!doctype html><html lang="en"><head><title>Unlabelled</title></head>
            <body><main><h1>Unlabelled</h1><input id="nameless" name="nameless"></main></body></html>
            """);

        var failure = await Assert.ThrowsAsync<TrueException>(() => session.CheckAsync("unlabelled"));

        Assert.Contains("label (critical)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("#nameless", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"unlabelled\"", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_labelled_page_passes_the_check_and_leaves_its_screenshot()
    {
        await using var session = await browser.OpenAsync(new Uri("http://127.0.0.1/"));
        await session.Page.SetContentAsync("""
            <!doctype html><html lang="en"><head><title>Labelled</title></head>
            <body><main><h1>Labelled</h1><label for="named">Name</label><input id="named" name="named"></main></body></html>
            """);

        await session.CheckAsync("labelled");

        Assert.True(File.Exists(Path.Combine(session.ScreenshotDirectory, "01-labelled.png")));
    }
}
