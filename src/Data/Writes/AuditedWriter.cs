using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Features.Admin;

namespace TokenConsole.Data.Writes;

/// <summary>What a change sees while it runs: its one DbContext (inside the one transaction), who makes it, and when.</summary>
public sealed class WriteContext(TokenConsoleDbContext db, Actor actor, DateTimeOffset now)
{
    private readonly List<Func<AuditEntry>> _audits = [];

    public TokenConsoleDbContext Db { get; } = db;
    public Actor Actor { get; } = actor;
    public DateTimeOffset Now { get; } = now;

    /// <summary>
    /// Records the change in the audit log. The id and the after-snapshot are taken after the change is saved, so
    /// generated ids are known; the entry is saved in the same transaction as the change.
    /// </summary>
    public void Audit(string action, string entityType, Func<string?> entityId, object? before, Func<object?> after) =>
        _audits.Add(() => Features.Admin.Audit.Entry(Now, Actor, action, entityType, entityId(), before, after()));

    public void Audit(string action, string entityType, string? entityId, object? before = null, object? after = null) =>
        _audits.Add(() => Features.Admin.Audit.Entry(Now, Actor, action, entityType, entityId, before, after));

    internal bool HasAudits => _audits.Count > 0;

    internal void FlushAudits()
    {
        Db.AuditEntries.AddRange(_audits.Select(a => a()));
        _audits.Clear();
    }
}

/// <summary>
/// The one write path of the console. Every change a person (or the scheduler) makes goes through here:
/// authorize against the policy with the person's <em>current</em> role → one DbContext, one transaction → the change,
/// then its audit entries → commit. A stale row version (or a unique key someone else took first) is a conflict
/// refusal, any other failure to save is a refusal too: in every refused case nothing of the change is saved.
/// </summary>
public sealed class AuditedWriter(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, IAuthorizationService authorization, TimeProvider clock, ILogger<AuditedWriter> logger,
    IConfiguration? configuration = null)
{
    private bool EntraMode => configuration is not null && AuthModule.IsEntraMode(configuration);

    /// <summary>A change by a person, in a DbContext of its own.</summary>
    public async Task<WriteResult<T>> WriteAsync<T>(ClaimsPrincipal user, string policy, Func<WriteContext, Task<WriteResult<T>>> change,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await WriteAsync(db, user, policy, change, cancellationToken);
    }

    /// <summary>
    /// A change by a person in a DbContext the caller owns (ASP.NET Identity's UserManager saves through its own store's
    /// context, so a change to users runs on that one).
    /// </summary>
    public async Task<WriteResult<T>> WriteAsync<T>(TokenConsoleDbContext db, ClaimsPrincipal user, string policy, Func<WriteContext, Task<WriteResult<T>>> change,
        CancellationToken cancellationToken = default)
    {
        if (await CheckAsync(db, user, policy, cancellationToken) is { } refused)
        {
            await AuditRefusalAsync(user, refused, cancellationToken);
            return Refusal.Forbidden;
        }
        return await RunAsync(db, Actor.Of(user), change, cancellationToken);
    }

    /// <summary>A change made by the console itself (the scheduler, demo mode), under a fixed system actor.</summary>
    public async Task<WriteResult<T>> WriteAsSystemAsync<T>(Actor actor, Func<WriteContext, Task<WriteResult<T>>> change, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RunAsync(db, actor, change, cancellationToken);
    }

    /// <summary>A change made by the console itself in a DbContext the caller owns (UserManager's, as for people).</summary>
    public Task<WriteResult<T>> WriteAsSystemAsync<T>(TokenConsoleDbContext db, Actor actor, Func<WriteContext, Task<WriteResult<T>>> change,
        CancellationToken cancellationToken = default) => RunAsync(db, actor, change, cancellationToken);

    /// <summary>Null when the person may do what the policy guards now; the refusal otherwise. A question, not a write: not audited.</summary>
    public async Task<Refusal?> AuthorizeAsync(ClaimsPrincipal user, string policy, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CheckAsync(db, user, policy, cancellationToken) is null ? null : Refusal.Forbidden;
    }

    /// <summary>Null when the person may do what the policy guards now; why not otherwise.</summary>
    private async Task<RefusedWrite?> CheckAsync(TokenConsoleDbContext db, ClaimsPrincipal user, string policy, CancellationToken cancellationToken)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return new RefusedWrite(policy, RefusedWrite.SignedOut, null);
        }
        var current = EntraMode ? user : await CurrentLocalPrincipalAsync(db, user, cancellationToken);
        if (current is null)
        {
            return new RefusedWrite(policy, RefusedWrite.Disabled, null);
        }
        return (await authorization.AuthorizeAsync(current, policy)).Succeeded ? null : new RefusedWrite(policy, RefusedWrite.Role, UserDisplay.Role(current));
    }

    /// <summary>
    /// A person tried to change something they may not (now): typically a page still open after the administrator
    /// disabled them or changed their role. The attempt is audited in a transaction of its own — the change's was never
    /// opened — and a failure to record it is logged, never thrown: the answer is the refusal either way.
    /// </summary>
    private async Task AuditRefusalAsync(ClaimsPrincipal user, RefusedWrite refused, CancellationToken cancellationToken)
    {
        if (refused.Reason == RefusedWrite.SignedOut)
        {
            return;
        }
        var actor = Actor.Of(user);
        logger.LogWarning("Refused a write by {ActorId} ({ActorName}) under {Policy}: {Reason}", actor.Id, actor.Name, refused.Policy, refused.Reason);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.AuditEntries.Add(Features.Admin.Audit.Entry(clock.GetUtcNow(), actor, AuditActions.WriteRefused, "Policy", refused.Policy, after: refused));
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            logger.LogError(e, "The refused write by {ActorId} could not be audited", actor.Id);
        }
    }

    /// <summary>
    /// Local accounts: the role and the disabled flag as the database holds them now, not as the sign-in cookie
    /// remembers them (it is renewed only every few minutes), so a demoted or disabled person is refused at once.
    /// Under Entra the token's claims are the directory's word, and they are used as they are.
    /// </summary>
    private static async Task<ClaimsPrincipal?> CurrentLocalPrincipalAsync(TokenConsoleDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.FindFirst(ClaimTypes.NameIdentifier)?.Value is not { } id)
        {
            // Every local sign-in carries the user id; a principal without one was made in-process (tools and
            // tests) and is judged on its own claims.
            return user;
        }
        var account = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.UserName, u.IsDisabled }).FirstOrDefaultAsync(cancellationToken);
        if (account is null || account.IsDisabled)
        {
            return null;
        }
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == id select r.Name).ToListAsync(cancellationToken);
        var identity = new ClaimsIdentity(user.Identity!.AuthenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, id));
        identity.AddClaim(new Claim(ClaimTypes.Name, account.UserName ?? id));
        identity.AddClaims(roles.Where(r => r is not null).Select(r => new Claim(ClaimTypes.Role, r!)));
        return new ClaimsPrincipal(identity);
    }

    private async Task<WriteResult<T>> RunAsync<T>(TokenConsoleDbContext db, Actor actor, Func<WriteContext, Task<WriteResult<T>>> change, CancellationToken cancellationToken)
    {
        var context = new WriteContext(db, actor, clock.GetUtcNow());
        try
        {
            // Two saves (the audit entries need the generated ids), one transaction: the change and its record land
            // together or not at all. Disposing the transaction without a commit rolls it back.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await change(context);
            if (!result.Succeeded)
            {
                return result;
            }
            await db.SaveChangesAsync(cancellationToken);
            if (context.HasAudits)
            {
                context.FlushAudits();
                await db.SaveChangesAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Stale;
        }
        catch (DbUpdateException e) when (e.InnerException is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 }
            or Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // A unique key (SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, PostgreSQL's 23505): a code (or a model already on a
            // pool) taken by someone else meanwhile.
            return Refusal.Stale;
        }
        catch (DbUpdateException e)
        {
            logger.LogError(e, "A change by {ActorId} could not be saved; nothing of it was", actor.Id);
            return Refusal.NotSaved;
        }
        finally
        {
            // A refused change leaves nothing tracked behind for a caller that reuses the context.
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>What the audit log records of a refused write: the policy it needed, why it was refused, the role held now.</summary>
public sealed record RefusedWrite(string Policy, string Reason, string? CurrentRole)
{
    public const string SignedOut = "signed_out";
    /// <summary>The account is disabled or no longer exists.</summary>
    public const string Disabled = "disabled";
    /// <summary>The role held now does not allow it.</summary>
    public const string Role = "role";
}
