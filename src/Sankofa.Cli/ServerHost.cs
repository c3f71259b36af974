using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Sankofa.Server.Hosting;

namespace Sankofa.Cli;

/// <summary>The control-plane server as <c>sankofa up</c> and <c>sankofa server</c> host it in the CLI's process.</summary>
internal static class ServerHost
{
    /// <summary>A server builder listening on <paramref name="urls"/>, its content root the CLI's own directory.</summary>
    public static WebApplicationBuilder CreateBuilder(string urls)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls);
        return builder;
    }

    /// <summary>
    /// Adds the server to <paramref name="builder"/>, builds and starts it; when it cannot start, says why on standard
    /// error, prefixed with <paramref name="command"/>, and returns <c>null</c>.
    /// </summary>
    public static async Task<WebApplication?> StartAsync(WebApplicationBuilder builder, string command, CancellationToken cancellationToken)
    {
        builder.AddSankofaServer();
        var app = builder.Build();
        app.MapSankofaServer();
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{command}: could not start: {ex.GetBaseException().Message}");
            await app.DisposeAsync();
            return null;
        }
    }
}
