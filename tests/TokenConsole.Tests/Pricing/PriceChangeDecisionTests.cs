using Microsoft.EntityFrameworkCore;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Pricing;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Pricing;

/// <summary>
/// Issue 12, item 2: an approval needs a comment, a rejection a reason, a rollback an executive and a reason; each is
/// stored on the change and in its audit entry, and a refused decision changes nothing.
/// </summary>
public sealed class PriceChangeDecisionTests : PriceChangeTestBed
{
    private async Task<PriceChange> PendingAsync(TimeSpan inFuture)
    {
        var draft = await Service.SaveDraftAsync(Pm, null, 0, "Finance in Guangdong", "", PriceChangeAudience.AllSubscriptions, Clock.GetUtcNow() + inFuture,
            PriceChangeWorkflowTests.FinanceGd(), null, Ct).OkAsync();
        return await Service.SubmitAsync(Pm, draft.Id, draft.Version, Ct).OkAsync();
    }

    private async Task<PriceChange> ActiveAsync()
    {
        var pending = await PendingAsync(TimeSpan.Zero);
        var active = await Service.ApproveAsync(Exec, pending.Id, pending.Version, "Margin holds", Ct).OkAsync();
        Assert.Equal(PriceChangeStatus.Active, active.Status);
        return active;
    }

    private async Task<(PriceChange Change, List<AuditEntry> Audit)> StoredAsync(int id)
    {
        await using var db = Database.CreateDbContext();
        var change = await db.PriceChanges.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == nameof(PriceChange) && a.EntityId == id.ToString()).OrderBy(a => a.Id).ToListAsync(Ct);
        return (change, audit);
    }

    [Fact]
    public async Task Approving_without_a_comment_is_refused_at_the_comment_and_changes_nothing()
    {
        var pending = await PendingAsync(TimeSpan.FromHours(1));
        var before = await StoredAsync(pending.Id);

        var refusal = await Service.ApproveAsync(Exec, pending.Id, pending.Version, "  ", Ct).RefusedAsync();

        Assert.Equal("comment", refusal.Field);
        var after = await StoredAsync(pending.Id);
        Assert.Equal(PriceChangeStatus.PendingApproval, after.Change.Status);
        Assert.Equal(before.Change.Version, after.Change.Version);
        Assert.Null(after.Change.DecidedById);
        Assert.Equal(before.Audit.Count, after.Audit.Count);
    }

    [Fact]
    public async Task Rejecting_without_a_reason_is_refused_at_the_reason_and_changes_nothing()
    {
        var pending = await PendingAsync(TimeSpan.FromHours(1));
        var before = await StoredAsync(pending.Id);

        var refusal = await Service.RejectAsync(Exec, pending.Id, pending.Version, "", Ct).RefusedAsync();

        Assert.Equal("reason", refusal.Field);
        var after = await StoredAsync(pending.Id);
        Assert.Equal(PriceChangeStatus.PendingApproval, after.Change.Status);
        Assert.Equal(before.Change.Version, after.Change.Version);
        Assert.Equal(before.Audit.Count, after.Audit.Count);
    }

    [Fact]
    public async Task The_approval_comment_and_the_rejection_reason_are_stored_on_the_change_and_in_its_audit_entry()
    {
        var approved = await Service.ApproveAsync(Exec, (await PendingAsync(TimeSpan.FromHours(1))).Id, 1, "Margin holds at 41 %", Ct).OkAsync();
        var pending = await PendingAsync(TimeSpan.FromHours(1));
        await Service.RejectAsync(Exec, pending.Id, pending.Version, "Too close to Double 11", Ct).OkAsync();

        var (change, audit) = await StoredAsync(approved.Id);
        Assert.Equal("Margin holds at 41 %", change.DecisionComment);
        Assert.Contains("Margin holds at 41 %", audit.Single(a => a.Action == AuditActions.PriceChangeApproved).AfterJson, StringComparison.Ordinal);
        var (rejected, rejectedAudit) = await StoredAsync(pending.Id);
        Assert.Equal("Too close to Double 11", rejected.RejectionReason);
        Assert.Contains("Too close to Double 11", rejectedAudit.Single(a => a.Action == AuditActions.PriceChangeRejected).AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_product_manager_cannot_roll_back_and_nothing_changes()
    {
        var active = await ActiveAsync();
        var version = RuleSets.Current.Version;
        var before = await StoredAsync(active.Id);

        var refusal = await Service.RollbackAsync(Pm, active.Id, active.Version, "Customers complained", Ct).RefusedAsync();

        Assert.Equal("You are not allowed to roll back price changes.", refusal.Code);
        var after = await StoredAsync(active.Id);
        Assert.Equal(PriceChangeStatus.Active, after.Change.Status);
        Assert.Equal(before.Change.Version, after.Change.Version);
        Assert.Equal(version, RuleSets.Current.Version);
        Assert.Equal(before.Audit.Count, after.Audit.Count);
    }

    [Fact]
    public async Task An_executive_rolls_back_only_with_a_reason_which_is_stored_and_audited()
    {
        var active = await ActiveAsync();

        var refusal = await Service.RollbackAsync(Exec, active.Id, active.Version, " ", Ct).RefusedAsync();
        Assert.Equal("reason", refusal.Field);
        Assert.Equal(PriceChangeStatus.Active, (await StoredAsync(active.Id)).Change.Status);

        var rolledBack = await Service.RollbackAsync(Exec, active.Id, active.Version, "Customers complained", Ct).OkAsync();
        Assert.Equal(PriceChangeStatus.RolledBack, rolledBack.Status);
        var (change, audit) = await StoredAsync(active.Id);
        Assert.Equal("Customers complained", change.RollbackReason);
        Assert.Equal("exec", change.RolledBackById);
        Assert.Contains("Customers complained", audit.Single(a => a.Action == AuditActions.PriceChangeRolledBack).AfterJson, StringComparison.Ordinal);
    }
}
