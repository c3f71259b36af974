using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// The issuer's few HTML pages (sign-in, password change, device approval, messages): plain, accessible forms, each
/// carrying an anti-forgery token. The portal has its own UI; these are what any OIDC client sends a browser to.
/// </summary>
internal static class SignInPages
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static IResult Login(AntiforgeryTokenSet tokens, string returnUrl, string? userName, string? error, int status = StatusCodes.Status200OK) => Page("Sign in to Sankofa", status, $"""
        {Error(error)}
        <form method="post" action="/connect/login">
          {Token(tokens)}
          <input type="hidden" name="returnUrl" value="{Html.Encode(returnUrl)}">
          <p><label for="username">User name</label><br><input id="username" name="username" autocomplete="username" required value="{Html.Encode(userName ?? string.Empty)}"></p>
          <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
          <p><button type="submit">Sign in</button></p>
        </form>
        """);

    public static IResult ChangePassword(AntiforgeryTokenSet tokens, string returnUrl, string userName, string? error, int status = StatusCodes.Status200OK) => Page("Choose a new password", status, $"""
        <p>The password of <strong>{Html.Encode(userName)}</strong> must be changed before you go on.</p>
        {Error(error)}
        <form method="post" action="/connect/password">
          {Token(tokens)}
          <input type="hidden" name="returnUrl" value="{Html.Encode(returnUrl)}">
          <input type="hidden" name="username" value="{Html.Encode(userName)}">
          <p><label for="currentPassword">Current password</label><br><input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required></p>
          <p><label for="newPassword">New password (at least 12 characters)</label><br><input id="newPassword" name="newPassword" type="password" autocomplete="new-password" minlength="12" required></p>
          <p><label for="confirmPassword">New password again</label><br><input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password" minlength="12" required></p>
          <p><button type="submit">Change password</button></p>
        </form>
        """);

    public static IResult Device(AntiforgeryTokenSet tokens, string? userCode, string? clientId, string? error)
    {
        if (clientId is null)
        {
            // No valid code yet: ask for it (GET, so OpenIddict looks it up from the query).
            return Page("Sign in a device", error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, $"""
                {Error(error)}
                <form method="get" action="/connect/verify">
                  <p><label for="user_code">Code shown by the device</label><br><input id="user_code" name="user_code" autocomplete="off" required value="{Html.Encode(userCode ?? string.Empty)}"></p>
                  <p><button type="submit">Continue</button></p>
                </form>
                """);
        }

        return Page("Sign in a device", StatusCodes.Status200OK, $"""
            <p>The application <strong>{Html.Encode(clientId)}</strong> asks to act as you with code <strong>{Html.Encode(userCode ?? string.Empty)}</strong>. Approve only if your device shows this code.</p>
            <form method="post" action="/connect/verify?user_code={Uri.EscapeDataString(userCode ?? string.Empty)}">
              {Token(tokens)}
              <input type="hidden" name="user_code" value="{Html.Encode(userCode ?? string.Empty)}">
              <p><button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="deny">Deny</button></p>
            </form>
            """);
    }

    public static IResult Message(string title, string text, int status = StatusCodes.Status200OK) => Page(title, status, $"<p>{Html.Encode(text)}</p>");

    private static string Error(string? error) => error is null ? string.Empty : $"""<p role="alert"><strong>{Html.Encode(error)}</strong></p>""";

    private static string Token(AntiforgeryTokenSet tokens) =>
        $"""<input type="hidden" name="{Html.Encode(tokens.FormFieldName)}" value="{Html.Encode(tokens.RequestToken ?? string.Empty)}">""";

    private static IResult Page(string title, int status, string body) => Results.Content($"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{Html.Encode(title)}</title></head>
        <body><main><h1>{Html.Encode(title)}</h1>
        {body}
        </main></body>
        </html>
        """, "text/html; charset=utf-8", statusCode: status);
}
