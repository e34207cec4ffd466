using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Pricing;

/// <summary>A refused workflow step: the message is for the user (English key, translated by the page).</summary>
public sealed class PriceChangeException(string message) : Exception(message);

/// <summary>
/// The maker–checker workflow of price changes: Draft → Pending approval → Approved/Rejected → Scheduled → Active →
/// Rolled back/Superseded. Every step checks the caller's permission here on the server and is audited with the change.
/// </summary>
public sealed class PriceChangeService(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, IAuthorizationService authorization, TimeProvider clock, RuleSetProvider ruleSets,
    IReferenceDataEvents events)
{
    public async Task<PriceChange?> FindAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PriceChanges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    public static PriceChangeContent ContentOf(PriceChange change) =>
        JsonSerializer.Deserialize<PriceChangeContent>(change.ChangeJson, RuleSetEngine.Json) ?? new PriceChangeContent();

    public async Task<ValidationReport> ValidateAsync(PriceChangeContent content, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = ruleSets.Current.Rules;
        var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct);
        return new ValidationReport(PriceChangeValidation.Check(content, current), PriceChangeValidation.Conflicts(content, current, customers));
    }

    /// <summary>Creates a draft, or updates one (with the <paramref name="version"/> it was loaded with).</summary>
    public async Task<PriceChange> SaveDraftAsync(ClaimsPrincipal user, int? id, uint version, string title, string description,
        PriceChangeAudience audience, DateTimeOffset effectiveAt, PriceChangeContent content, string? simulationJson, CancellationToken ct = default)
    {
        await RequireAsync(user, Policies.ProposePriceChanges);
        if (string.IsNullOrWhiteSpace(title) || title.Length > 120) throw new PriceChangeException("A title of 1 to 120 characters is required.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var actor = UserDisplay.Actor(user);
        PriceChange change;
        if (id is null)
        {
            change = new PriceChange { Title = title, ProposedBy = actor, ProposedAt = clock.GetUtcNow(), Status = PriceChangeStatus.Draft };
            db.PriceChanges.Add(change);
        }
        else
        {
            change = await db.PriceChanges.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new PriceChangeException("The price change does not exist.");
            if (change.Status != PriceChangeStatus.Draft) throw new PriceChangeException("Only a draft can be edited.");
            db.Entry(change).Property(c => c.Version).OriginalValue = version;
        }
        change.Title = title.Trim();
        change.Description = description;
        change.Audience = audience;
        change.EffectiveAt = effectiveAt;
        change.ChangeJson = JsonSerializer.Serialize(content, RuleSetEngine.Json);
        change.SimulationJson = simulationJson ?? change.SimulationJson;
        await db.SaveChangesAsync(ct);
        Audit.Record(db, clock, actor, id is null ? "pricing.change.create" : "pricing.change.edit", nameof(PriceChange), change.Id.ToString(CultureInfo.InvariantCulture), after: Summary(change));
        await db.SaveChangesAsync(ct);
        return change;
    }

    public Task<PriceChange> SubmitAsync(ClaimsPrincipal user, int id, uint version, CancellationToken ct = default) =>
        TransitionAsync(user, id, version, Policies.ProposePriceChanges, PriceChangeStatus.Draft, "pricing.change.submit", async (db, change) =>
        {
            var report = PriceChangeValidation.Check(ContentOf(change), ruleSets.Current.Rules);
            if (report.Count > 0) throw new PriceChangeException("The change has validation errors: fix them before submitting.");
            if (change.EffectiveAt < clock.GetUtcNow().AddMinutes(-5)) throw new PriceChangeException("The effective time is in the past.");
            change.Status = PriceChangeStatus.PendingApproval;
            change.SubmittedAt = clock.GetUtcNow();
            await Task.CompletedTask;
        }, ct);

    /// <summary>Approves a pending change: an executive, never its proposer. It is then scheduled for its effective time.</summary>
    public async Task<PriceChange> ApproveAsync(ClaimsPrincipal user, int id, uint version, CancellationToken ct = default)
    {
        var change = await TransitionAsync(user, id, version, Policies.ApprovePriceChanges, PriceChangeStatus.PendingApproval, "pricing.change.approve", (db, change) =>
        {
            if (string.Equals(change.ProposedBy, UserDisplay.Actor(user), StringComparison.OrdinalIgnoreCase))
            {
                throw new PriceChangeException("The proposer of a price change cannot approve it.");
            }
            change.DecidedBy = UserDisplay.Actor(user);
            change.DecidedAt = clock.GetUtcNow();
            // Approved, and at once scheduled for its effective time (the scheduler activates it then).
            change.Status = PriceChangeStatus.Scheduled;
            return Task.CompletedTask;
        }, ct);
        await ActivateDueAsync(ct);
        return await FindAsync(id, ct) ?? change;
    }

    public Task<PriceChange> RejectAsync(ClaimsPrincipal user, int id, uint version, string reason, CancellationToken ct = default) =>
        TransitionAsync(user, id, version, Policies.ApprovePriceChanges, PriceChangeStatus.PendingApproval, "pricing.change.reject", (db, change) =>
        {
            if (string.IsNullOrWhiteSpace(reason)) throw new PriceChangeException("A reason is required to reject a change.");
            if (string.Equals(change.ProposedBy, UserDisplay.Actor(user), StringComparison.OrdinalIgnoreCase))
            {
                throw new PriceChangeException("The proposer of a price change cannot decide on it.");
            }
            change.Status = PriceChangeStatus.Rejected;
            change.RejectionReason = reason.Trim();
            change.DecidedBy = UserDisplay.Actor(user);
            change.DecidedAt = clock.GetUtcNow();
            return Task.CompletedTask;
        }, ct);

    /// <summary>
    /// Activates every scheduled change whose effective time has come, oldest first: each one creates a new immutable
    /// ruleset version from the active one, and the compiled engine is swapped once at the end. Returns how many.
    /// </summary>
    public async Task<int> ActivateDueAsync(CancellationToken ct = default)
    {
        await ruleSets.ActivationGate.WaitAsync(ct);
        try
        {
            return await ActivateDueLockedAsync(ct);
        }
        finally
        {
            ruleSets.ActivationGate.Release();
        }
    }

    private async Task<int> ActivateDueLockedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var due = (await db.PriceChanges.Where(c => c.Status == PriceChangeStatus.Scheduled).ToListAsync(ct))
            .Where(c => c.EffectiveAt <= now).OrderBy(c => c.EffectiveAt).ThenBy(c => c.Id).ToList();
        if (due.Count == 0) return 0;
        foreach (var change in due)
        {
            var active = await db.PriceRuleSetVersions.Where(v => v.Status == RuleSetStatus.Active).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
            var currentRules = active is null ? [] : RuleSetEngine.FromWorkflowJson(active.WorkflowJson);
            var rules = ContentOf(change).ApplyTo(currentRules, change.Id, change.EffectiveAt, change.Audience);
            var number = (await db.PriceRuleSetVersions.MaxAsync(v => (int?)v.Number, ct) ?? 0) + 1;
            var version = new PriceRuleSetVersion
            {
                Number = number, WorkflowJson = RuleSetEngine.ToWorkflowJson(number, rules), Status = RuleSetStatus.Active,
                CreatedAt = now, CreatedBy = change.DecidedBy ?? "system", ActivatedAt = now, PriceChangeId = change.Id, PreviousVersionId = active?.Id,
            };
            if (active is not null) active.Status = RuleSetStatus.Superseded;
            db.PriceRuleSetVersions.Add(version);
            await db.SaveChangesAsync(ct);
            change.Status = PriceChangeStatus.Active;
            change.ResultingRuleSetVersionId = version.Id;
            // The change whose version this one replaced is superseded: it can no longer be rolled back on its own.
            if (active?.PriceChangeId is { } previousChange && await db.PriceChanges.FindAsync([previousChange], ct) is { Status: PriceChangeStatus.Active } previous)
            {
                previous.Status = PriceChangeStatus.Superseded;
            }
            Audit.Record(db, clock, "scheduler", "pricing.ruleset.activate", nameof(PriceRuleSetVersion), number.ToString(CultureInfo.InvariantCulture),
                before: active is null ? null : new { active.Number }, after: new { Number = number, Change = change.Id, Rules = rules.Count });
            await db.SaveChangesAsync(ct);
        }
        await events.PublishAsync(ReferenceDataKind.PriceRules);
        return due.Count;
    }

    /// <summary>Restores, in one step, the ruleset version that the change's version replaced (none: no rules).</summary>
    public async Task<PriceChange> RollbackAsync(ClaimsPrincipal user, int id, uint version, CancellationToken ct = default)
    {
        if (!await AllowedAsync(user, Policies.ApprovePriceChanges) && !await AllowedAsync(user, Policies.ProposePriceChanges))
        {
            throw new PriceChangeException("You are not allowed to roll back price changes.");
        }
        await ruleSets.ActivationGate.WaitAsync(ct);
        try
        {
            return await RollbackLockedAsync(user, id, version, ct);
        }
        finally
        {
            ruleSets.ActivationGate.Release();
        }
    }

    private async Task<PriceChange> RollbackLockedAsync(ClaimsPrincipal user, int id, uint version, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var change = await db.PriceChanges.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new PriceChangeException("The price change does not exist.");
        db.Entry(change).Property(c => c.Version).OriginalValue = version;
        if (change.Status != PriceChangeStatus.Active) throw new PriceChangeException("Only the active price change can be rolled back.");
        var current = await db.PriceRuleSetVersions.FirstOrDefaultAsync(v => v.Id == change.ResultingRuleSetVersionId, ct);
        if (current is not { Status: RuleSetStatus.Active }) throw new PriceChangeException("Only the active price change can be rolled back.");
        var previous = current.PreviousVersionId is { } pid ? await db.PriceRuleSetVersions.FirstAsync(v => v.Id == pid, ct) : null;
        current.Status = RuleSetStatus.RolledBack;
        if (previous is not null)
        {
            previous.Status = RuleSetStatus.Active;
            if (previous.PriceChangeId is { } pc && await db.PriceChanges.FindAsync([pc], ct) is { Status: PriceChangeStatus.Superseded } restored)
            {
                restored.Status = PriceChangeStatus.Active;
            }
        }
        var actor = UserDisplay.Actor(user);
        change.Status = PriceChangeStatus.RolledBack;
        change.RolledBackBy = actor;
        change.RolledBackAt = clock.GetUtcNow();
        Audit.Record(db, clock, actor, "pricing.change.rollback", nameof(PriceChange), change.Id.ToString(CultureInfo.InvariantCulture),
            before: new { Version = current.Number }, after: new { Version = previous?.Number ?? 0 });
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(ReferenceDataKind.PriceRules);
        return change;
    }

    private async Task<PriceChange> TransitionAsync(ClaimsPrincipal user, int id, uint version, string policy, PriceChangeStatus from, string action,
        Func<TokenConsoleDbContext, PriceChange, Task> apply, CancellationToken ct)
    {
        await RequireAsync(user, policy);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var change = await db.PriceChanges.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new PriceChangeException("The price change does not exist.");
        db.Entry(change).Property(c => c.Version).OriginalValue = version;
        if (change.Status != from) throw new PriceChangeException("The price change is no longer in the state this action needs; reload it.");
        var before = Summary(change);
        await apply(db, change);
        Audit.Record(db, clock, UserDisplay.Actor(user), action, nameof(PriceChange), change.Id.ToString(CultureInfo.InvariantCulture), before, Summary(change));
        await db.SaveChangesAsync(ct);
        return change;
    }

    private static object Summary(PriceChange c) => new { c.Title, Status = c.Status.ToString(), c.EffectiveAt, Audience = c.Audience.ToString(), c.ChangeJson, c.RejectionReason };

    private async Task<bool> AllowedAsync(ClaimsPrincipal user, string policy) => (await authorization.AuthorizeAsync(user, policy)).Succeeded;

    private async Task RequireAsync(ClaimsPrincipal user, string policy)
    {
        if (!await AllowedAsync(user, policy)) throw new PriceChangeException("You are not allowed to do this.");
    }
}
