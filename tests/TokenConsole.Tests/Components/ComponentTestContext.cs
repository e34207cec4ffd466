using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using TokenConsole.Auth;

namespace TokenConsole.Tests.Components;

/// <summary>
/// bUnit with MudBlazor, the real localization resources and the real authorization policies (not bUnit's fake
/// authorization), so that component tests check the same role table the server enforces.
/// </summary>
public abstract class ComponentTestContext : BunitContext
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    protected ComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddAuthorizationBuilder().AddConsolePolicies();
        // bUnit registers a placeholder authorization service; the real one evaluates the real policies.
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Services.AddCascadingAuthenticationState();
        SignInAs(null);
    }

    /// <summary>Signs in a user with the given role, or signs out with null.</summary>
    protected void SignInAs(string? role)
    {
        var identity = role is null
            ? new ClaimsIdentity()
            : new ClaimsIdentity([new Claim(ClaimTypes.Name, "tester"), new Claim(ClaimTypes.Role, role)], "test");
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(new ClaimsPrincipal(identity)));
    }

    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        return base.DisposeAsyncCore();
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
