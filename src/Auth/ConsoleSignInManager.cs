using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace TokenConsole.Auth;

/// <summary>Refuses sign-in to disabled accounts, besides Identity's own checks (lockout, confirmation).</summary>
public sealed class ConsoleSignInManager(
    UserManager<ConsoleUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ConsoleUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ConsoleUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ConsoleUser> confirmation)
    : SignInManager<ConsoleUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(ConsoleUser user) => !user.IsDisabled && await base.CanSignInAsync(user);
}
