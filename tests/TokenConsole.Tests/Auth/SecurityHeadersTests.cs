using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Auth;

/// <summary>The console served by Kestrel on a loopback port, so that what Kestrel itself adds (the Server header) is seen.</summary>
public sealed class LoopbackConsole : IDisposable
{
    public LoopbackConsole() => BaseUrl = Factory.StartOnLoopback();

    public ConsoleFactory Factory { get; } = new();

    public string BaseUrl { get; }

    /// <summary>A client over real HTTP that keeps cookies and does not follow redirects.</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(BaseUrl) };

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// Issue 12, item 9: every answer — pages, the API, static files — carries the security headers; a Content-Security-Policy
/// without inline script; HSTS and a Secure sign-in cookie only over HTTPS; no Server header; signing out needs the
/// antiforgery token.
/// </summary>
public sealed partial class SecurityHeadersTests(LoopbackConsole console, ConsoleFactory inMemory) : IClassFixture<LoopbackConsole>, IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Answers() => new()
    {
        { "GET", "/account/login" },
        { "GET", "/account/access-denied" },
        { "POST", "/api/v1/usage/events" },
        { "GET", "/css/app.css" },
        { "GET", "/favicon.svg" },
        { "GET", "/health" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_answer_carries_the_security_headers_and_no_Server_header(string method, string path)
    {
        using var client = console.CreateClient();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task A_signed_in_page_carries_the_security_headers_and_its_one_inline_script_has_the_policys_nonce()
    {
        using var client = console.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleFactory.PostSignInAsync(client, "exec", console.Factory.DemoPassword)).StatusCode);
        using var response = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = AssertSecurityHeaders(response);

        var nonce = Nonce().Match(ScriptSrc(policy)).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var html = await response.Content.ReadAsStringAsync(Ct);
        // Blazor's import map is the one inline script; every other script is a file of this site.
        var inline = ScriptTag().Matches(html).Select(m => m.Value).Where(tag => !tag.Contains(" src=", StringComparison.Ordinal)).ToList();
        var importMap = Assert.Single(inline);
        Assert.Contains("type=\"importmap\"", importMap, StringComparison.Ordinal);
        // The nonce is base64: its '+' and '/' may come HTML-encoded in the attribute, which the browser decodes.
        Assert.Contains($"nonce=\"{nonce}\"", WebUtility.HtmlDecode(importMap), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_HTTPS_answers_carry_HSTS_and_the_sign_in_cookie_is_Secure_and_over_HTTP_neither()
    {
        // In memory (Kestrel here has no certificate): the test server takes the scheme from the address.
        using var https = inMemory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://console.example"), AllowAutoRedirect = false });
        using (var page = await https.GetAsync("/account/login", Ct))
        {
            Assert.StartsWith("max-age=", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        }
        var signedIn = await ConsoleFactory.PostSignInAsync(https, "exec", inMemory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("secure", AuthCookie(signedIn), StringComparison.OrdinalIgnoreCase);

        using var http = console.CreateClient();
        var overHttp = await ConsoleFactory.PostSignInAsync(http, "exec", console.Factory.DemoPassword);
        Assert.False(overHttp.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", AuthCookie(overHttp), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Signing_out_needs_the_antiforgery_token_a_GET_or_a_POST_without_it_leaves_the_session()
    {
        using var client = console.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleFactory.PostSignInAsync(client, "pm", console.Factory.DemoPassword)).StatusCode);

        using (var get = await client.GetAsync("/account/logout", Ct))
        {
            Assert.NotEqual(HttpStatusCode.OK, get.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);

        using (var post = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
            Assert.False(post.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("TokenConsole.Auth=;", StringComparison.Ordinal)));
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);

        // With the token from the page, it does.
        var token = Regex.Match(await client.GetStringAsync("/", Ct), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using (var post = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", Ct)).StatusCode);
    }

    /// <summary>Checks the headers every answer must carry and returns its Content-Security-Policy.</summary>
    private static string AssertSecurityHeaders(HttpResponseMessage response)
    {
        var all = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        Assert.True(all.TryGetValue("Content-Security-Policy", out var policy), $"no Content-Security-Policy on {response.RequestMessage?.RequestUri}");
        // One policy: Blazor's own "frame-ancestors 'self'" for interactive pages is not sent beside it.
        Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        var scripts = ScriptSrc(policy);
        Assert.StartsWith("script-src 'self'", scripts, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", scripts, StringComparison.Ordinal);
        Assert.Equal("nosniff", all.GetValueOrDefault("X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", all.GetValueOrDefault("Referrer-Policy"));
        Assert.Equal("DENY", all.GetValueOrDefault("X-Frame-Options"));
        Assert.False(all.ContainsKey("Server"), $"Server: {all.GetValueOrDefault("Server")}");
        Assert.False(all.ContainsKey("Strict-Transport-Security"), "HSTS over plain HTTP");
        return policy;
    }

    private static string ScriptSrc(string policy) => policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));

    private static string AuthCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("TokenConsole.Auth=", StringComparison.Ordinal));

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
