using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;

namespace TokenConsole.Features.Admin;

public sealed record UserRow(string Id, string UserName, string DisplayName, string? Role, bool Disabled, bool LockedOut);

/// <summary>The outcome of a change to a user: done, or refused with a message (an English resource key) and nothing changed.</summary>
public sealed record UserChangeResult(bool Succeeded, string? Error = null, IReadOnlyList<string>? Details = null)
{
    public static readonly UserChangeResult Ok = new(true);
    public static UserChangeResult Fail(string error, IEnumerable<string>? details = null) => new(false, error, details?.ToList());
}

/// <summary>
/// Local accounts (local sign-in mode): create, disable or enable, reset the password, change the role. Only an
/// administrator may; every change is audited in the same transaction; the last active administrator can be neither
/// disabled nor demoted, so the console is never left without one.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    public const string LastAdministratorError = "The last active administrator cannot be disabled or given another role.";

    public async Task<IReadOnlyList<UserRow>> UsersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roleOf = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return [.. users.Select(u => new UserRow(u.Id, u.UserName ?? "", u.DisplayName, roleOf.FirstOrDefault(r => r.UserId == u.Id)?.Name,
            u.IsDisabled, u.LockoutEnd > now))];
    }

    public Task<UserChangeResult> CreateAsync(ClaimsPrincipal actor, string userName, string displayName, string role, string password, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, db) =>
        {
            userName = userName.Trim();
            displayName = displayName.Trim();
            if (userName.Length == 0 || displayName.Length == 0)
            {
                return UserChangeResult.Fail("User name and name are required.");
            }
            if (!Roles.All.Contains(role))
            {
                return UserChangeResult.Fail("Choose one of the four roles.");
            }
            if (await users.FindByNameAsync(userName) is not null)
            {
                return UserChangeResult.Fail("That user name is taken.");
            }
            var user = new ConsoleUser { UserName = userName, DisplayName = displayName };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                return UserChangeResult.Fail("The user could not be created.", created.Errors.Select(e => e.Description));
            }
            Audit.Record(db, clock, UserDisplay.Actor(actor), "Created user", "User", userName, after: new { userName, displayName, role });
            return Check(await users.AddToRoleAsync(user, role));
        }, cancellationToken);

    public Task<UserChangeResult> SetDisabledAsync(ClaimsPrincipal actor, string userId, bool disabled, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, db) =>
        {
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return UserChangeResult.Fail("The user no longer exists.");
            }
            if (user.IsDisabled == disabled)
            {
                return UserChangeResult.Ok;
            }
            if (disabled && await IsLastActiveAdministratorAsync(users, user))
            {
                return UserChangeResult.Fail(LastAdministratorError);
            }
            user.IsDisabled = disabled;
            Audit.Record(db, clock, UserDisplay.Actor(actor), disabled ? "Disabled user" : "Enabled user", "User", user.UserName,
                before: new { disabled = !disabled }, after: new { disabled });
            var result = Check(await users.UpdateAsync(user));
            // A new security stamp ends the sessions the person already has (at the cookie's next validation).
            return result.Succeeded ? Check(await users.UpdateSecurityStampAsync(user)) : result;
        }, cancellationToken);

    public Task<UserChangeResult> ChangeRoleAsync(ClaimsPrincipal actor, string userId, string role, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, db) =>
        {
            if (!Roles.All.Contains(role))
            {
                return UserChangeResult.Fail("Choose one of the four roles.");
            }
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return UserChangeResult.Fail("The user no longer exists.");
            }
            var current = await users.GetRolesAsync(user);
            if (current.Count == 1 && current[0] == role)
            {
                return UserChangeResult.Ok;
            }
            if (role != Roles.Administrator && await IsLastActiveAdministratorAsync(users, user))
            {
                return UserChangeResult.Fail(LastAdministratorError);
            }
            Audit.Record(db, clock, UserDisplay.Actor(actor), "Changed role", "User", user.UserName,
                before: new { role = string.Join(",", current) }, after: new { role });
            var removed = Check(await users.RemoveFromRolesAsync(user, current));
            return removed.Succeeded ? Check(await users.AddToRoleAsync(user, role)) : removed;
        }, cancellationToken);

    public Task<UserChangeResult> ResetPasswordAsync(ClaimsPrincipal actor, string userId, string newPassword, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, db) =>
        {
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return UserChangeResult.Fail("The user no longer exists.");
            }
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var reset = await users.ResetPasswordAsync(user, token, newPassword);
            if (!reset.Succeeded)
            {
                return UserChangeResult.Fail("The password was not accepted.", reset.Errors.Select(e => e.Description));
            }
            // Never the password itself, nor its hash.
            Audit.Record(db, clock, UserDisplay.Actor(actor), "Reset password", "User", user.UserName, after: new { passwordReset = true });
            await users.SetLockoutEndDateAsync(user, null);
            return Check(await users.UpdateAsync(user));
        }, cancellationToken);

    /// <summary>
    /// Runs a change in its own scope (its own UserManager and DbContext) inside one transaction: the audit entry is saved
    /// with the change, and a refusal or failure rolls back everything.
    /// </summary>
    private async Task<UserChangeResult> ChangeAsync(ClaimsPrincipal actor, Func<UserManager<ConsoleUser>, TokenConsoleDbContext, Task<UserChangeResult>> change,
        CancellationToken cancellationToken)
    {
        if (!actor.IsInRole(Roles.Administrator))
        {
            return UserChangeResult.Fail("Only an administrator can manage users.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var db = scope.ServiceProvider.GetRequiredService<TokenConsoleDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await change(users, db);
        if (!result.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            return result;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static async Task<bool> IsLastActiveAdministratorAsync(UserManager<ConsoleUser> users, ConsoleUser user)
    {
        if (user.IsDisabled || !await users.IsInRoleAsync(user, Roles.Administrator))
        {
            return false;
        }
        var administrators = await users.GetUsersInRoleAsync(Roles.Administrator);
        return !administrators.Any(a => a.Id != user.Id && !a.IsDisabled);
    }

    private static UserChangeResult Check(IdentityResult result) =>
        result.Succeeded ? UserChangeResult.Ok : UserChangeResult.Fail("The change was refused.", result.Errors.Select(e => e.Description));
}
