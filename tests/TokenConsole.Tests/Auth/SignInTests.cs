using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Auth;

public sealed class SignInTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_anonymous_request_for_a_page_is_sent_to_sign_in()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.GetAsync("/packages", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("ReturnUrl=%2Fpackages", response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pm", "Lin Wei", "Product manager")]
    [InlineData("ops", "Zhang Qiang", "Operations")]
    [InlineData("exec", "Chen Jing", "Executive")]
    [InlineData("admin", "Wang Fang", "Administrator")]
    public async Task Each_demo_user_signs_in_and_sees_their_name_and_role(string userName, string displayName, string role)
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await ConsoleFactory.PostSignInAsync(client, userName, factory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", LocalPath(response));

        var overview = await client.GetStringAsync("/", Ct);
        Assert.Contains(displayName, overview, StringComparison.Ordinal);
        Assert.Contains(role, overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_and_no_session()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await ConsoleFactory.PostSignInAsync(client, "ops", "not-the-password");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The user name or password is not correct.", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var page = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Empty_fields_get_a_message_next_to_each_field()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await ConsoleFactory.PostSignInAsync(client, "", "");
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("data-testid=\"login-username-error\">Enter your user name.", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"login-password-error\">Enter your password.", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    public async Task A_return_url_to_another_site_is_ignored(string returnUrl)
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await ConsoleFactory.PostSignInAsync(client, "exec", factory.DemoPassword, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", LocalPath(response));
    }

    [Fact]
    public async Task Five_failed_attempts_lock_the_account_even_for_the_right_password()
    {
        const string password = "Correct-horse-42";
        await CreateUserAsync("lockme", password, disabled: false);
        using var client = factory.CreateBrowserLikeClient();
        for (var i = 0; i < 5; i++)
        {
            await ConsoleFactory.PostSignInAsync(client, "lockme", "wrong-password");
        }
        var response = await ConsoleFactory.PostSignInAsync(client, "lockme", password);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Too many failed attempts", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in()
    {
        const string password = "Correct-horse-43";
        await CreateUserAsync("disabled-user", password, disabled: true);
        using var client = factory.CreateBrowserLikeClient();
        var response = await ConsoleFactory.PostSignInAsync(client, "disabled-user", password);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This account is disabled.", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var client = await factory.SignedInClientAsync("pm");
        var overview = await client.GetStringAsync("/", Ct);
        var token = System.Text.RegularExpressions.Regex.Match(overview, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/account/logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var after = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_page_lists_the_demo_users_and_password_in_demo_mode()
    {
        using var client = factory.CreateBrowserLikeClient();
        var html = await client.GetStringAsync("/account/login", Ct);
        Assert.Contains("data-testid=\"demo-users\"", html, StringComparison.Ordinal);
        Assert.Contains(factory.DemoPassword, html, StringComparison.Ordinal);
        foreach (var user in DemoUsers.All)
        {
            Assert.Contains($"<code>{user.UserName}</code>", html, StringComparison.Ordinal);
        }
    }

    /// <summary>The path a redirect leads to, which must be on this site (the test host is http://localhost).</summary>
    private static string LocalPath(HttpResponseMessage response)
    {
        var location = new Uri(new Uri("http://localhost"), response.Headers.Location!);
        Assert.Equal("localhost", location.Host);
        return location.PathAndQuery;
    }

    private async Task CreateUserAsync(string userName, string password, bool disabled)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        if (await users.FindByNameAsync(userName) is not null)
        {
            return;
        }
        var user = new ConsoleUser { UserName = userName, DisplayName = userName, IsDisabled = disabled };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Operations)).Succeeded);
    }
}
