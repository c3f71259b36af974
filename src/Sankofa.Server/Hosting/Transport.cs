namespace Sankofa.Server.Hosting;

/// <summary>The rule for URLs the server trusts (issuers): HTTPS, or plain HTTP on loopback where no one is in the path.</summary>
internal static class Transport
{
    public static bool IsHttpsOrLoopback(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback;
}
