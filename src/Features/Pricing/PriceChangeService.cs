using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// The maker–checker workflow of price changes: Draft → Pending approval → Approved/Rejected → Scheduled → Active →
/// Rolled back/Superseded. Every step checks the caller's permission here on the server and is audited with the change.
/// </summary>
public sealed class PriceChangeService(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, AuditedWriter writer, TimeProvider clock, RuleSetProvider ruleSets, IReferenceDataEvents events)
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
    public Task<WriteResult<PriceChange>> SaveDraftAsync(ClaimsPrincipal user, int? id, uint version, string title, string description,
        PriceChangeAudience audience, DateTimeOffset effectiveAt, PriceChangeContent content, string? simulationJson, CancellationToken ct = default) =>
        writer.WriteAsync<PriceChange>(user, Policies.ProposePriceChanges, async w =>
        {
            if (string.IsNullOrWhiteSpace(title) || title.Length > 120)
            {
                return new Refusal("A title of 1 to 120 characters is required.", "title");
            }
            PriceChange change;
            PriceChangeSnapshot? before = null;
            if (id is null)
            {
                change = new PriceChange { Title = title, ProposedBy = w.Actor.Name, ProposedById = w.Actor.Id, ProposedAt = w.Now, Status = PriceChangeStatus.Draft };
                w.Db.PriceChanges.Add(change);
            }
            else
            {
                var existing = await w.Db.PriceChanges.FirstOrDefaultAsync(c => c.Id == id, ct);
                if (existing is null)
                {
                    return Gone;
                }
                if (existing.Status != PriceChangeStatus.Draft)
                {
                    return new Refusal("Only a draft can be edited.") { Conflict = true };
                }
                change = existing;
                w.Db.Entry(change).Property(c => c.Version).OriginalValue = version;
                before = Summary(change);
            }
            change.Title = title.Trim();
            change.Description = description;
            change.Audience = audience;
            change.EffectiveAt = effectiveAt;
            change.ChangeJson = JsonSerializer.Serialize(content, RuleSetEngine.Json);
            change.SimulationJson = simulationJson ?? change.SimulationJson;
            w.Audit(id is null ? AuditActions.PriceChangeCreated : AuditActions.PriceChangeEdited, nameof(PriceChange), () => Key(change.Id), before, () => Summary(change));
            return change;
        }, ct);

    public Task<WriteResult<PriceChange>> SubmitAsync(ClaimsPrincipal user, int id, uint version, CancellationToken ct = default) =>
        TransitionAsync(user, id, version, Policies.ProposePriceChanges, AuditActions.PriceChangeSubmitted, (w, change) =>
        {
            var report = change.Status == PriceChangeStatus.Draft ? PriceChangeValidation.Check(ContentOf(change), ruleSets.Current.Rules) : [];
            return report.Count > 0 ? new Refusal("The change has validation errors: fix them before submitting.") : change.Submit(w.Now);
        }, ct);

    /// <summary>
    /// Approves a pending change with the approver's <paramref name="comment"/> (required): an executive, never its
    /// proposer. It is then scheduled for its effective time.
    /// </summary>
    public async Task<WriteResult<PriceChange>> ApproveAsync(ClaimsPrincipal user, int id, uint version, string comment, CancellationToken ct = default)
    {
        var approved = await TransitionAsync(user, id, version, Policies.ApprovePriceChanges, AuditActions.PriceChangeApproved,
            (w, change) => change.Approve(w.Actor, comment, w.Now), ct);
        if (!approved.Succeeded)
        {
            return approved;
        }
        await ActivateDueAsync(ct);
        return await FindAsync(id, ct) ?? approved.Value!;
    }

    public Task<WriteResult<PriceChange>> RejectAsync(ClaimsPrincipal user, int id, uint version, string reason, CancellationToken ct = default) =>
        TransitionAsync(user, id, version, Policies.ApprovePriceChanges, AuditActions.PriceChangeRejected, (w, change) => change.Reject(w.Actor, reason, w.Now), ct);

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
        List<int> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var now = clock.GetUtcNow();
            due = [.. (await db.PriceChanges.Where(c => c.Status == PriceChangeStatus.Scheduled).ToListAsync(ct))
                .Where(c => c.EffectiveAt <= now).OrderBy(c => c.EffectiveAt).ThenBy(c => c.Id).Select(c => c.Id)];
        }
        if (due.Count == 0)
        {
            return 0;
        }

        var activated = 0;
        foreach (var changeId in due)
        {
            // One transaction per activation: the new ruleset version, the change's status and the audit entry together.
            var result = await writer.WriteAsSystemAsync<Done>(Actor.Scheduler, async w =>
            {
                var db = w.Db;
                var change = await db.PriceChanges.FirstAsync(c => c.Id == changeId, ct);
                if (change.Status != PriceChangeStatus.Scheduled)
                {
                    return Done.Value;
                }

                var active = await db.PriceRuleSetVersions.Where(v => v.Status == RuleSetStatus.Active).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
                var currentRules = active is null ? [] : RuleSetEngine.FromWorkflowJson(active.WorkflowJson);
                var rules = ContentOf(change).ApplyTo(currentRules, change.Id, change.EffectiveAt, change.Audience);
                var number = (await db.PriceRuleSetVersions.MaxAsync(v => (int?)v.Number, ct) ?? 0) + 1;
                var version = new PriceRuleSetVersion
                {
                    Number = number, WorkflowJson = RuleSetEngine.ToWorkflowJson(number, rules), Status = RuleSetStatus.Active,
                    CreatedAt = w.Now, CreatedBy = change.DecidedBy ?? Actor.Scheduler.Name, ActivatedAt = w.Now, PriceChangeId = change.Id, PreviousVersionId = active?.Id,
                };
                if (active is not null)
                {
                    active.Status = RuleSetStatus.Superseded;
                }

                db.PriceRuleSetVersions.Add(version);
                // The change points at the version it produced: saved first, so its id exists.
                await db.SaveChangesAsync(ct);
                change.Activate(version.Id);
                // The change whose version this one replaced is superseded: it can no longer be rolled back on its own.
                if (active?.PriceChangeId is { } previousChange && await db.PriceChanges.FindAsync([previousChange], ct) is { Status: PriceChangeStatus.Active } previous)
                {
                    previous.Status = PriceChangeStatus.Superseded;
                }
                w.Audit(AuditActions.RuleSetActivated, nameof(PriceRuleSetVersion), Key(number),
                    active is null ? null : new RuleSetSnapshot(active.Number, active.PriceChangeId, currentRules.Count), new RuleSetSnapshot(number, change.Id, rules.Count));
                return Done.Value;
            }, ct);
            if (result.Succeeded)
            {
                activated++;
            }
        }
        if (activated > 0)
        {
            await events.PublishAsync(ReferenceDataKind.PriceRules);
        }
        return activated;
    }

    /// <summary>
    /// Restores, in one step, the ruleset version that the change's version replaced (none: no rules). Taking a price off
    /// the market again is a decision like approving it: an executive's (the approvers' policy), with a reason.
    /// </summary>
    public async Task<WriteResult<PriceChange>> RollbackAsync(ClaimsPrincipal user, int id, uint version, string reason, CancellationToken ct = default)
    {
        await ruleSets.ActivationGate.WaitAsync(ct);
        try
        {
            var result = await writer.WriteAsync<PriceChange>(user, Policies.ApprovePriceChanges, async w =>
            {
                var db = w.Db;
                var change = await db.PriceChanges.FirstOrDefaultAsync(c => c.Id == id, ct);
                if (change is null)
                {
                    return Gone;
                }

                db.Entry(change).Property(c => c.Version).OriginalValue = version;
                var current = await db.PriceRuleSetVersions.FirstOrDefaultAsync(v => v.Id == change.ResultingRuleSetVersionId, ct);
                if (current is not { Status: RuleSetStatus.Active })
                {
                    return new Refusal("Only the active price change can be rolled back.");
                }

                var before = Summary(change);
                if (change.RollBack(w.Actor, reason, w.Now) is { } refused)
                {
                    return refused;
                }

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
                w.Audit(AuditActions.PriceChangeRolledBack, nameof(PriceChange), Key(change.Id), before, Summary(change));
                return change;
            }, ct);
            if (result.Succeeded)
            {
                await events.PublishAsync(ReferenceDataKind.PriceRules);
            }

            return result.Refusal?.Code == Refusal.ForbiddenCode ? new Refusal("You are not allowed to roll back price changes.") : result;
        }
        finally
        {
            ruleSets.ActivationGate.Release();
        }
    }

    private Task<WriteResult<PriceChange>> TransitionAsync(ClaimsPrincipal user, int id, uint version, string policy, string action,
        Func<WriteContext, PriceChange, Refusal?> apply, CancellationToken ct) =>
        writer.WriteAsync<PriceChange>(user, policy, async w =>
        {
            var change = await w.Db.PriceChanges.FirstOrDefaultAsync(c => c.Id == id, ct);
            if (change is null)
            {
                return Gone;
            }

            if (change.Version != version)
            {
                return Refusal.Stale;
            }

            w.Db.Entry(change).Property(c => c.Version).OriginalValue = version;
            var before = Summary(change);
            if (apply(w, change) is { } refused)
            {
                return refused;
            }

            w.Audit(action, nameof(PriceChange), Key(change.Id), before, Summary(change));
            return change;
        }, ct);

    private static readonly Refusal Gone = new("The price change does not exist.");

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static PriceChangeSnapshot Summary(PriceChange c) =>
        new(c.Title, c.Status, c.EffectiveAt, c.Audience, c.ChangeJson, c.RejectionReason, c.ResultingRuleSetVersionId, c.DecisionComment, c.RollbackReason);
}

/// <summary>What the audit log records of a price change, before and after each step (enums by name).</summary>
public sealed record PriceChangeSnapshot(string Title, PriceChangeStatus Status, DateTimeOffset EffectiveAt, PriceChangeAudience Audience, string ChangeJson,
    string? RejectionReason, int? ResultingRuleSetVersionId, string? DecisionComment = null, string? RollbackReason = null);

/// <summary>What the audit log records of a ruleset version when it becomes active.</summary>
public sealed record RuleSetSnapshot(int Number, int? PriceChangeId, int Rules);
