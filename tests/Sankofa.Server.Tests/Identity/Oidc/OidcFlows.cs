using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace Sankofa.Server.Tests.Identity.Oidc;

/// <summary>
/// What a browser and the OIDC clients do against the embedded issuer, over real HTTP: a browser with cookies that
/// follows nothing by itself (each redirect is asserted), the sign-in form with its anti-forgery token, the portal's
/// code + PKCE exchange, the CLI's device flow, a service's client credentials.
/// </summary>
internal sealed partial class OidcFlows(Uri server)
{
    public const string RedirectUri = "http://localhost/callback";

    private readonly HttpClient browser = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server };
    private readonly HttpClient api = new() { BaseAddress = server };

    public HttpClient Browser => browser;

    /// <summary>Signs in through the form; returns the final response (a redirect on success).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string returnUrl, string userName, string password)
    {
        var form = await FormAsync("connect/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return await PostFormAsync("connect/login", new() { ["__RequestVerificationToken"] = form, ["returnUrl"] = returnUrl, ["username"] = userName, ["password"] = password });
    }

    /// <summary>The portal's flow: authorize (signing in on the way), then the code for tokens with the PKCE verifier.</summary>
    public async Task<JsonElement> AuthorizationCodeAsync(string userName, string password)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "connect/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = "sankofa-portal", ["response_type"] = "code", ["redirect_uri"] = RedirectUri, ["scope"] = "openid profile offline_access sankofa",
            ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = "s-1",
        }.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));

        using var first = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var login = first.Headers.Location!.ToString();
        Assert.StartsWith("/connect/login", login, StringComparison.Ordinal);
        var returnUrl = Uri.UnescapeDataString(login[(login.IndexOf("returnUrl=", StringComparison.Ordinal) + "returnUrl=".Length)..]);

        using var signedIn = await SignInAsync(returnUrl, userName, password);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");
        using var back = await browser.GetAsync(signedIn.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var callback = back.Headers.Location!.ToString();
        Assert.StartsWith(RedirectUri, callback, StringComparison.Ordinal);
        Assert.Contains("state=s-1", callback, StringComparison.Ordinal);
        var code = Uri.UnescapeDataString(CodeParameter().Match(callback).Groups[1].Value);

        return await TokenAsync(new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "sankofa-portal", ["code"] = code, ["redirect_uri"] = RedirectUri, ["code_verifier"] = verifier,
        });
    }

    /// <summary>Posts to the token endpoint; the JSON answer (tokens, or an error).</summary>
    public async Task<JsonElement> TokenAsync(Dictionary<string, string> form)
    {
        using var response = await api.PostAsync("connect/token", new FormUrlEncodedContent(form));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The anti-forgery token of the form at <paramref name="path"/>.</summary>
    public async Task<string> FormAsync(string path)
    {
        using var page = await browser.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.IsSuccessStatusCode, $"{(int)page.StatusCode}: {html}");
        return WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> form) => browser.PostAsync(path, new FormUrlEncodedContent(form));

    /// <summary>The claims of a JWT's payload (not verified here: the API's validation does that).</summary>
    public static JsonElement Claims(string jwt) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement.Clone();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("[?&]code=([^&]+)")]
    private static partial Regex CodeParameter();
}
