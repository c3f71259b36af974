using System.Net;
using System.Text.RegularExpressions;
using Sankofa.Server.Tests.Identity.Oidc;

namespace Sankofa.Server.Tests.Portal;

/// <summary>
/// The portal's sign-in over plain HTTP, as a browser does it: /account/signin, the issuer's authorize and sign-in form,
/// the form_post back to /signin-oidc, each redirect followed by hand. The OIDC handler's correlation and nonce cookies
/// are marked Secure, which a browser sends to loopback over HTTP but HttpClient does not: this one keeps every cookie
/// for the server's host whatever its Secure flag.
/// </summary>
internal sealed partial class PortalHttpBrowser : IDisposable
{
    private readonly CookieContainer cookies = new();

    public PortalHttpBrowser(Uri server) =>
        Client = new HttpClient(new LoopbackCookies(cookies) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false } })
        {
            BaseAddress = server,
        };

    public HttpClient Client { get; }

    /// <summary>Signs in from <c>/account/signin?{query}</c>; returns the portal's last answer (a redirect to where the sign-in leads).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string query, string userName, string password)
    {
        using var challenge = await Client.GetAsync("account/signin?" + query);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        using var authorize = await Client.GetAsync(challenge.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var login = authorize.Headers.Location!.ToString();
        var returnUrl = Uri.UnescapeDataString(login[(login.IndexOf("returnUrl=", StringComparison.Ordinal) + "returnUrl=".Length)..]);

        using var form = await Client.GetAsync(login.TrimStart('/'));
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value);
        using var signedIn = await Client.PostAsync("connect/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["returnUrl"] = returnUrl, ["username"] = userName, ["password"] = password,
        }));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");

        // The issuer answers the portal with a form the browser posts back to /signin-oidc.
        using var code = await Client.GetAsync(signedIn.Headers.Location!.ToString().TrimStart('/'));
        var html = await code.Content.ReadAsStringAsync();
        Assert.True(code.IsSuccessStatusCode, $"{(int)code.StatusCode}: {html}");
        var fields = HiddenField().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        return await Client.PostAsync(WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value), new FormUrlEncodedContent(fields));
    }

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();

    [GeneratedRegex("<form[^>]* action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    /// <summary>Sends the container's cookies and keeps every Set-Cookie, Secure or not (loopback is a secure context to browsers).</summary>
    private sealed class LoopbackCookies(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (cookies.GetCookieHeader(uri) is { Length: > 0 } header)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    cookies.SetCookies(uri, SecureFlag().Replace(setCookie, string.Empty));
                }
            }

            return response;
        }
    }

    [GeneratedRegex(";\\s*secure(?=;|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecureFlag();
}
