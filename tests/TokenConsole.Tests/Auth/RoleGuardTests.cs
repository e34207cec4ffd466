using System.Net;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Auth;

/// <summary>Every page for every role, against the role table of PRODUCT.md, checked on the server (HTTP), not in the UI.</summary>
public sealed class RoleGuardTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Everyone = ["pm", "ops", "exec", "am", "admin"];

    /// <summary>Page → the demo users who may open it (PRODUCT.md: admin pages for the administrator; the audit log also for executives).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["/"] = Everyone,
        ["/packages"] = Everyone,
        ["/compute"] = Everyone,
        ["/compute/capacity"] = Everyone,
        ["/consumption"] = Everyone,
        ["/pricing"] = Everyone,
        ["/reports"] = Everyone,
        ["/notifications"] = Everyone,
        ["/admin/users"] = ["admin"],
        ["/admin/api-keys"] = ["admin"],
        ["/admin/audit"] = ["admin", "exec"],
    };

    public static TheoryData<string, string> UserAndPage()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in Allowed.Keys)
        {
            foreach (var user in Everyone)
            {
                data.Add(user, page);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(UserAndPage))]
    public async Task Each_role_opens_exactly_the_pages_it_may(string user, string page)
    {
        using var client = await factory.SignedInClientAsync(user);
        var response = await client.GetAsync(page, Ct);
        if (Allowed[page].Contains(user))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/access-denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var denied = await client.GetAsync(response.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("Access denied", await denied.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_sign_ins_and_forbidden_attempts_are_logged()
    {
        using (var client = factory.CreateBrowserLikeClient())
        {
            await ConsoleFactory.PostSignInAsync(client, "exec", "guessing-the-password");
        }
        using (var client = await factory.SignedInClientAsync("pm"))
        {
            await client.GetAsync("/admin/api-keys", Ct);
        }
        Assert.Contains(factory.Logs.Messages, m => m.StartsWith("Failed sign-in for exec", StringComparison.Ordinal));
        Assert.Contains(factory.Logs.Messages, m => m == "Forbidden: pm asked for /admin/api-keys");
    }

    [Theory]
    [InlineData("pm", new[] { "overview", "customers", "packages", "compute", "consumption", "pricing", "reports" }, new[] { "admin", "users", "api-keys", "audit" })]
    [InlineData("ops", new[] { "overview", "customers", "packages", "compute", "consumption", "pricing", "reports" }, new[] { "admin", "users", "api-keys", "audit" })]
    [InlineData("exec", new[] { "overview", "customers", "reports", "admin", "audit" }, new[] { "users", "api-keys" })]
    [InlineData("am", new[] { "overview", "customers", "packages", "compute", "consumption", "pricing", "reports" }, new[] { "admin", "users", "api-keys", "audit" })]
    [InlineData("admin", new[] { "overview", "customers", "admin", "users", "api-keys", "audit" }, new string[0])]
    public async Task The_navigation_shows_only_what_the_role_may_open(string user, string[] shown, string[] hidden)
    {
        using var client = await factory.SignedInClientAsync(user);
        var html = await client.GetStringAsync("/", Ct);
        foreach (var key in shown)
        {
            Assert.Contains($"data-testid=\"nav-{key}\"", html, StringComparison.Ordinal);
        }
        foreach (var key in hidden)
        {
            Assert.DoesNotContain($"data-testid=\"nav-{key}\"", html, StringComparison.Ordinal);
        }
    }
}
