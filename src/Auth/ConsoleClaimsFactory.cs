using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace TokenConsole.Auth;

/// <summary>Adds the person's display name to the local sign-in cookie (Entra provides it as "name").</summary>
public sealed class ConsoleClaimsFactory(UserManager<ConsoleUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ConsoleUser, IdentityRole>(users, roles, options)
{
    public const string DisplayNameClaim = "display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ConsoleUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        return identity;
    }
}

public static class UserDisplay
{
    public static string Name(ClaimsPrincipal user) =>
        user.FindFirst(ConsoleClaimsFactory.DisplayNameClaim)?.Value ?? user.FindFirst("name")?.Value ?? user.Identity?.Name ?? "";

    /// <summary>The user's role among the five (the first one held, in the order of <see cref="Roles.All"/>).</summary>
    public static string? Role(ClaimsPrincipal user) => Roles.All.FirstOrDefault(user.IsInRole);

}
