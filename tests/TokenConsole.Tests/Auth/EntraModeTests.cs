using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Auth;

/// <summary>
/// With an Entra application configured the local sign-in must not work at all. (The directory itself cannot be
/// reached from these machines, so the test stops at the redirect to the challenge.)
/// </summary>
public sealed class EntraModeTests : IDisposable
{
    private readonly ConsoleFactory _factory = ConsoleFactory.InEntraMode();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task The_local_sign_in_page_forwards_to_the_directory()
    {
        using var client = _factory.CreateBrowserLikeClient();
        var response = await client.GetAsync("/account/login?returnUrl=%2Freports", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin?returnUrl=%2Freports", new Uri(new Uri("http://localhost"), response.Headers.Location!).PathAndQuery);
    }

    [Fact]
    public async Task People_are_challenged_by_the_directory_and_no_local_session_scheme_exists()
    {
        var schemes = _factory.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Equal(OpenIdConnectDefaults.AuthenticationScheme, (await schemes.GetDefaultChallengeSchemeAsync())?.Name);
        // Without the Identity cookie scheme a local password sign-in has nowhere to write a session.
        Assert.Null(await schemes.GetSchemeAsync(IdentityConstants.ApplicationScheme));
    }
}
