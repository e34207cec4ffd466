using System.Net;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Localization;

public sealed class CultureEndpointTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Choosing_Chinese_sets_the_culture_cookie_and_the_pages_speak_Chinese()
    {
        using var client = await factory.SignedInClientAsync("exec");
        var response = await client.GetAsync("/culture/set?culture=zh-CN&redirectUri=%2Freports", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/reports", response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Dzh-CN", StringComparison.Ordinal));

        // Blazor encodes non-ASCII characters as HTML entities.
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/", Ct));
        Assert.Contains("本月 Token 用量", html, StringComparison.Ordinal);
        Assert.Contains("lang=\"zh-CN\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MudBlazor_s_own_strings_follow_the_UI_language()
    {
        using var client = await factory.SignedInClientAsync("pm");
        await client.GetAsync("/culture/set?culture=zh-CN", Ct);
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/packages", Ct));
        Assert.Contains("每页行数：", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Rows per page", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/culture/set?culture=fr-FR")]
    [InlineData("/culture/set")]
    public async Task An_unsupported_culture_gets_a_problem_response(string url)
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_return_address_must_be_on_this_site()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync("/culture/set?culture=en&redirectUri=https%3A%2F%2Fevil.example", Ct);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }
}
