using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Admin;

public sealed record UserRow(string Id, string UserName, string DisplayName, string? Role, bool Disabled, bool LockedOut);

/// <summary>Refusals of a change to a user, in the one result shape of every change.</summary>
internal static class UserChangeResult
{
    public static readonly WriteResult<Done> Ok = Done.Value;
    public static WriteResult<Done> Fail(string error, IEnumerable<string>? details = null) => new Refusal(error) { Details = details?.ToList() ?? [] };
}

/// <summary>
/// Local accounts (local sign-in mode): create, disable or enable, reset the password, change the role. Only an
/// administrator may; every change is audited in the same transaction; the last active administrator can be neither
/// disabled nor demoted, so the console is never left without one.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock, AuditedWriter writer)
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

    /// <summary>
    /// Creates a local account. Every field's problems are refused at once, each under its field (<see cref="Refusal.Fields"/>:
    /// userName, displayName, role, password; Identity's password rules in its own words), so the form shows them together.
    /// </summary>
    public Task<WriteResult<Done>> CreateAsync(ClaimsPrincipal actor, string userName, string displayName, string role, string password, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, w) =>
        {
            userName = userName.Trim();
            displayName = displayName.Trim();
            var user = new ConsoleUser { UserName = userName, DisplayName = displayName };
            var fields = new Dictionary<string, List<FieldMessage>>();
            void Refuse(string field, string key) => (fields.TryGetValue(field, out var list) ? list : fields[field] = []).Add(new FieldMessage(key));
            if (userName.Length == 0)
            {
                Refuse("userName", "Enter a user name.");
            }
            else if (await users.FindByNameAsync(userName) is not null)
            {
                Refuse("userName", "That user name is taken.");
            }
            if (displayName.Length == 0)
            {
                Refuse("displayName", "Enter the person's name.");
            }
            if (!Roles.All.Contains(role))
            {
                Refuse("role", "Choose one of the roles.");
            }
            foreach (var validator in users.PasswordValidators)
            {
                foreach (var error in (await validator.ValidateAsync(users, user, password)).Errors)
                {
                    Refuse("password", error.Description);
                }
            }
            if (fields.Count > 0)
            {
                var first = fields.First();
                return new Refusal(first.Value[0].Key, first.Key) { Fields = fields };
            }
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                return UserChangeResult.Fail("The user could not be created.", created.Errors.Select(e => e.Description));
            }
            w.Audit(AuditActions.UserCreated, "User", userName, after: new UserSnapshot(userName, displayName, role, Disabled: false));
            return Check(await users.AddToRoleAsync(user, role));
        }, cancellationToken);

    public Task<WriteResult<Done>> SetDisabledAsync(ClaimsPrincipal actor, string userId, bool disabled, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, w) =>
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
            var role = await RoleOfAsync(users, user);
            w.Audit(disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, "User", user.UserName,
                before: new UserSnapshot(user.UserName!, user.DisplayName, role, !disabled), after: new UserSnapshot(user.UserName!, user.DisplayName, role, disabled));
            var result = Check(await users.UpdateAsync(user));
            // A new security stamp ends the sessions the person already has (at the cookie's next validation).
            return result.Succeeded ? Check(await users.UpdateSecurityStampAsync(user)) : result;
        }, cancellationToken);

    public Task<WriteResult<Done>> ChangeRoleAsync(ClaimsPrincipal actor, string userId, string role, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, w) =>
        {
            if (!Roles.All.Contains(role))
            {
                return UserChangeResult.Fail("Choose one of the roles.");
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
            w.Audit(AuditActions.UserRoleChanged, "User", user.UserName,
                before: new UserSnapshot(user.UserName!, user.DisplayName, string.Join(",", current), user.IsDisabled), after: new UserSnapshot(user.UserName!, user.DisplayName, role, user.IsDisabled));
            var removed = Check(await users.RemoveFromRolesAsync(user, current));
            var added = removed.Succeeded ? Check(await users.AddToRoleAsync(user, role)) : removed;
            // Role changes leave the stamp as it was (only password and login changes renew it in Identity): renew it, in
            // the same write, so the person's cookie and open pages take the new role within a minute.
            return added.Succeeded ? Check(await users.UpdateSecurityStampAsync(user)) : added;
        }, cancellationToken);

    public Task<WriteResult<Done>> ResetPasswordAsync(ClaimsPrincipal actor, string userId, string newPassword, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, async (users, w) =>
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
            // ResetPasswordAsync has renewed the security stamp already: the person's sessions end within a minute.
            // Never the password itself, nor its hash.
            w.Audit(AuditActions.UserPasswordReset, "User", user.UserName);
            await users.SetLockoutEndDateAsync(user, null);
            return Check(await users.UpdateAsync(user));
        }, cancellationToken);

    /// <summary>
    /// Runs a change through the one write path in its own scope, on the DbContext that this scope's UserManager saves
    /// through: the person's current role is checked, and the change and its audit entry commit together or not at all.
    /// </summary>
    private async Task<WriteResult<Done>> ChangeAsync(ClaimsPrincipal actor, Func<UserManager<ConsoleUser>, WriteContext, Task<WriteResult<Done>>> change,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var db = scope.ServiceProvider.GetRequiredService<TokenConsoleDbContext>();
        var result = await writer.WriteAsync(db, actor, Policies.ManageAdmin, w => change(users, w), cancellationToken);
        return result.Refusal?.Code == Refusal.ForbiddenCode ? UserChangeResult.Fail("Only an administrator can manage users.") : result;
    }

    private static async Task<string?> RoleOfAsync(UserManager<ConsoleUser> users, ConsoleUser user) => (await users.GetRolesAsync(user)).FirstOrDefault();

    private static async Task<bool> IsLastActiveAdministratorAsync(UserManager<ConsoleUser> users, ConsoleUser user)
    {
        if (user.IsDisabled || !await users.IsInRoleAsync(user, Roles.Administrator))
        {
            return false;
        }
        var administrators = await users.GetUsersInRoleAsync(Roles.Administrator);
        return !administrators.Any(a => a.Id != user.Id && !a.IsDisabled);
    }

    private static WriteResult<Done> Check(IdentityResult result) =>
        result.Succeeded ? UserChangeResult.Ok : UserChangeResult.Fail("The change was refused.", result.Errors.Select(e => e.Description));
}

/// <summary>What the audit log records of a user (never a password nor its hash).</summary>
public sealed record UserSnapshot(string UserName, string DisplayName, string? Role, bool Disabled);
