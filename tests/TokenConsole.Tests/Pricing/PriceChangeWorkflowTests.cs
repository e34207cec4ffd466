using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Pricing;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Pricing;

/// <summary>The maker–checker workflow against a real SQLite database, with a fake clock.</summary>
public sealed class PriceChangeWorkflowTests : PriceChangeTestBed
{
    internal static PriceChangeContent FinanceGd(decimal percent = -15, StackingPolicy stacking = StackingPolicy.BestPrice, string name = "finance-cn-gd") => new()
    {
        Add = [new PriceRule { Name = name, Effect = PriceEffectKind.Percentage, Value = percent, Stacking = stacking, Scope = new() { RegionCodes = ["CN-GD"], IndustryCodes = ["finance"] } }],
    };

    private async Task<PriceChange> ProposeAsync(PriceChangeContent content, TimeSpan inFuture, ClaimsPrincipal? by = null)
    {
        var draft = await Service.SaveDraftAsync(by ?? Pm, null, 0, "Finance in Guangdong", "", PriceChangeAudience.AllSubscriptions, Clock.GetUtcNow() + inFuture, content, null, TestContext.Current.CancellationToken).OkAsync();
        return await Service.SubmitAsync(by ?? Pm, draft.Id, draft.Version, TestContext.Current.CancellationToken).OkAsync();
    }

    // ¥3.00 of base price for a million tokens, in micro-yuan; the price back in CNY.
    private decimal Price(RuleSetEngine engine) => engine.Apply(RuleSetEngineTests.Event(at: Clock.GetUtcNow()), 3_000_000m, 1_000_000) / 1_000_000m;

    [Fact]
    public async Task The_proposer_cannot_approve_and_an_executive_can()
    {
        var change = await ProposeAsync(FinanceGd(), TimeSpan.FromHours(1));
        Assert.Equal(PriceChangeStatus.PendingApproval, change.Status);

        var pmApproves = await (Service.ApproveAsync(Pm, change.Id, change.Version, "Margin holds", TestContext.Current.CancellationToken)).RefusedAsync();
        Assert.Equal("You are not allowed to do this.", pmApproves.Code);

        var approved = await Service.ApproveAsync(Exec, change.Id, change.Version, "Margin holds", TestContext.Current.CancellationToken).OkAsync();
        Assert.Equal(PriceChangeStatus.Scheduled, approved.Status);
        Assert.Equal("exec", approved.DecidedBy);
    }

    [Fact]
    public async Task An_executive_who_proposed_a_change_cannot_approve_it()
    {
        // Executives cannot propose through the policy; a change whose author is the approver is refused all the same.
        var change = await ProposeAsync(FinanceGd(), TimeSpan.FromHours(1));
        await using (var db = Database.CreateDbContext())
        {
            await db.PriceChanges.Where(c => c.Id == change.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ProposedById, "exec"), TestContext.Current.CancellationToken);
        }
        var error = await (Service.ApproveAsync(Exec, change.Id, change.Version, "Margin holds", TestContext.Current.CancellationToken)).RefusedAsync();
        Assert.Equal("The proposer of a price change cannot approve it.", error.Code);
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_and_is_final()
    {
        var change = await ProposeAsync(FinanceGd(), TimeSpan.FromHours(1), Ops);
        await (Service.RejectAsync(Exec, change.Id, change.Version, " ", TestContext.Current.CancellationToken)).RefusedAsync();
        var rejected = await Service.RejectAsync(Exec, change.Id, change.Version, "Margin too thin", TestContext.Current.CancellationToken).OkAsync();
        Assert.Equal(PriceChangeStatus.Rejected, rejected.Status);
        Assert.Equal("Margin too thin", rejected.RejectionReason);
        await (Service.ApproveAsync(Exec, change.Id, rejected.Version, "Margin holds", TestContext.Current.CancellationToken)).RefusedAsync();
    }

    [Fact]
    public async Task A_stale_version_is_detected()
    {
        var change = await ProposeAsync(FinanceGd(), TimeSpan.FromHours(1));
        var refused = await Service.ApproveAsync(Exec, change.Id, change.Version - 1, "Margin holds", TestContext.Current.CancellationToken).RefusedAsync();
        Assert.True(refused.Conflict);
        Assert.Equal(PriceChangeStatus.PendingApproval, (await Service.FindAsync(change.Id, TestContext.Current.CancellationToken))!.Status);
    }

    [Fact]
    public async Task A_price_change_step_whose_audit_entry_cannot_be_written_is_refused_and_nothing_of_it_is_saved()
    {
        var pending = await ProposeAsync(FinanceGd(), TimeSpan.FromHours(1));
        var scheduled = await ProposeAsync(FinanceGd(-5, name: "later"), TimeSpan.FromHours(1));
        scheduled = await Service.ApproveAsync(Exec, scheduled.Id, scheduled.Version, "Margin holds", TestContext.Current.CancellationToken).OkAsync();
        int changes;
        await using (var db = Database.CreateDbContext())
        {
            changes = await db.PriceChanges.CountAsync(TestContext.Current.CancellationToken);
        }

        using (AuditOutage.Start(Database))
        {
            var draft = await Service.SaveDraftAsync(Pm, null, 0, "Never", "", PriceChangeAudience.AllSubscriptions, Start.AddHours(2), FinanceGd(), null, TestContext.Current.CancellationToken).RefusedAsync();
            Assert.Equal(Refusal.NotSavedCode, draft.Code);
            Assert.Equal(Refusal.NotSavedCode, (await Service.ApproveAsync(Exec, pending.Id, pending.Version, "Margin holds", TestContext.Current.CancellationToken).RefusedAsync()).Code);
            Assert.Equal(Refusal.NotSavedCode, (await Service.RejectAsync(Exec, pending.Id, pending.Version, "No", TestContext.Current.CancellationToken).RefusedAsync()).Code);
            // The scheduler's activation: no ruleset version without its audit entry.
            Clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(0, await Service.ActivateDueAsync(TestContext.Current.CancellationToken));
        }

        await using (var db = Database.CreateDbContext())
        {
            Assert.Equal(changes, await db.PriceChanges.CountAsync(TestContext.Current.CancellationToken));
            Assert.False(await db.PriceRuleSetVersions.AnyAsync(TestContext.Current.CancellationToken));
            Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.RuleSetActivated, TestContext.Current.CancellationToken));
        }
        Assert.Equal(PriceChangeStatus.PendingApproval, (await Service.FindAsync(pending.Id, TestContext.Current.CancellationToken))!.Status);
        Assert.Equal(PriceChangeStatus.Scheduled, (await Service.FindAsync(scheduled.Id, TestContext.Current.CancellationToken))!.Status);
        // Once the log is back the next round activates it.
        Assert.Equal(1, await Service.ActivateDueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_invalid_change_cannot_be_submitted()
    {
        var content = new PriceChangeContent { Add = [new PriceRule { Name = "bad", AdvancedExpression = "System.IO.File.Exists(\"x\")" }] };
        var draft = await Service.SaveDraftAsync(Pm, null, 0, "Bad", "", PriceChangeAudience.AllSubscriptions, Start.AddHours(1), content, null, TestContext.Current.CancellationToken).OkAsync();
        await (Service.SubmitAsync(Pm, draft.Id, draft.Version, TestContext.Current.CancellationToken)).RefusedAsync();
        var report = await Service.ValidateAsync(content, TestContext.Current.CancellationToken);
        Assert.Equal(0, Assert.Single(report.Problems).Position);
    }

    [Fact]
    public async Task A_scheduled_change_activates_at_its_effective_time_and_rollback_restores_the_previous_version_exactly()
    {
        // Version 1: -10 % (activated now); then the change under test: -15 % on finance in CN-GD, one hour from now.
        var first = await ProposeAsync(FinanceGd(-10, name: "first"), TimeSpan.Zero);
        await Service.ApproveAsync(Exec, first.Id, first.Version, "Margin holds", TestContext.Current.CancellationToken).OkAsync();
        Assert.Equal(1, RuleSets.Current.Version);
        Assert.Equal(2.7m, Price(RuleSets.Current));
        string v1Json;
        await using (var db = Database.CreateDbContext())
        {
            v1Json = (await db.PriceRuleSetVersions.SingleAsync(TestContext.Current.CancellationToken)).WorkflowJson;
        }

        var change = await ProposeAsync(new PriceChangeContent { Add = FinanceGd().Add, Retire = ["first"] }, TimeSpan.FromHours(1));
        var approved = await Service.ApproveAsync(Exec, change.Id, change.Version, "Margin holds", TestContext.Current.CancellationToken).OkAsync();
        Assert.Equal(PriceChangeStatus.Scheduled, approved.Status);

        // The background scheduler, driven by the fake clock.
        var scheduler = Services.GetRequiredService<PriceChangeScheduler>();
        Assert.Equal(0, await scheduler.TickAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2.7m, Price(RuleSets.Current));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await scheduler.TickAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, RuleSets.Current.Version);
        Assert.Equal(2.55m, Price(RuleSets.Current));

        var active = await Service.FindAsync(change.Id, TestContext.Current.CancellationToken);
        Assert.Equal(PriceChangeStatus.Active, active!.Status);
        Assert.Equal(PriceChangeStatus.Superseded, (await Service.FindAsync(first.Id, TestContext.Current.CancellationToken))!.Status);

        var rolledBack = await Service.RollbackAsync(Exec, change.Id, active.Version, "Customers complained", TestContext.Current.CancellationToken).OkAsync();
        Assert.Equal(PriceChangeStatus.RolledBack, rolledBack.Status);
        Assert.Equal(1, RuleSets.Current.Version);
        Assert.Equal(2.7m, Price(RuleSets.Current));
        Assert.Equal(PriceChangeStatus.Active, (await Service.FindAsync(first.Id, TestContext.Current.CancellationToken))!.Status);
        await using (var db = Database.CreateDbContext())
        {
            var versions = await db.PriceRuleSetVersions.OrderBy(v => v.Number).ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal([RuleSetStatus.Active, RuleSetStatus.RolledBack], versions.Select(v => v.Status));
            Assert.Equal(v1Json, versions[0].WorkflowJson);
            var actions = await db.AuditEntries.Select(a => a.Action).ToListAsync(TestContext.Current.CancellationToken);
            Assert.Contains(AuditActions.PriceChangeApproved, actions);
            Assert.Contains(AuditActions.RuleSetActivated, actions);
            Assert.Contains(AuditActions.PriceChangeRolledBack, actions);
        }
    }

    [Fact]
    public async Task A_change_found_due_by_the_scheduler_and_an_approval_at_once_is_activated_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var change = await ProposeAsync(FinanceGd(), TimeSpan.FromMinutes(10));
        await Service.ApproveAsync(Exec, change.Id, change.Version, "Margin holds", ct).OkAsync();
        Clock.Advance(TimeSpan.FromMinutes(11));

        // Several activations racing on two threads each: the change must yield exactly one ruleset version.
        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Service.ActivateDueAsync(ct), ct)));

        Assert.Equal(1, counts.Sum());
        await using var db = Database.CreateDbContext();
        var version = Assert.Single(await db.PriceRuleSetVersions.Where(v => v.PriceChangeId == change.Id).ToListAsync(ct));
        Assert.Equal(RuleSetStatus.Active, version.Status);
    }

    [Fact]
    public async Task The_scheduler_activates_a_change_by_itself_once_the_fake_clock_reaches_its_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var change = await ProposeAsync(FinanceGd(), TimeSpan.FromMinutes(30));
        await Service.ApproveAsync(Exec, change.Id, change.Version, "Margin holds", ct).OkAsync();
        var scheduler = Services.GetRequiredService<PriceChangeScheduler>();

        // A round a minute early activates nothing: run it here and look, rather than sleep and look.
        Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await scheduler.TickAsync(ct));
        Assert.Equal(0, RuleSets.Current.Version);

        // On time, the scheduler's own first round activates it; the published change is the signal it is done.
        Clock.Advance(TimeSpan.FromMinutes(1));
        var activated = Services.GetRequiredService<ReferenceDataSignal>().NextAsync(ReferenceDataKind.PriceRules, TimeSpan.FromSeconds(30), ct);
        await scheduler.StartAsync(ct);
        try
        {
            await activated;
        }
        finally
        {
            await scheduler.StopAsync(ct);
        }
        Assert.Equal(1, RuleSets.Current.Version);
    }

    [Fact]
    public async Task The_conflict_check_flags_rules_in_the_same_scope_that_do_not_stack_with_the_customers_hit()
    {
        await using (var db = Database.CreateDbContext())
        {
            await DatabaseInitializer.SeedReferenceDataAsync(db, TestContext.Current.CancellationToken);
            db.Customers.Add(new Customer { Code = "C-GD-FIN", Name = "Pearl River Bank", NameZh = "珠江银行", Segment = CustomerSegment.LargeEnterprise, IndustryCode = "finance", RegionCode = "CN-GD" });
            db.Customers.Add(new Customer { Code = "C-SH-FIN", Name = "Bund Bank", NameZh = "外滩银行", Segment = CustomerSegment.LargeEnterprise, IndustryCode = "finance", RegionCode = "CN-SH" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        var first = await ProposeAsync(FinanceGd(-10, StackingPolicy.Exclusive, "gd-exclusive"), TimeSpan.Zero);
        await Service.ApproveAsync(Exec, first.Id, first.Version, "Margin holds", TestContext.Current.CancellationToken).OkAsync();

        var report = await Service.ValidateAsync(new PriceChangeContent
        {
            Add = [new PriceRule { Name = "finance-all", Effect = PriceEffectKind.Percentage, Value = -5, Scope = new() { IndustryCodes = ["finance"] } }],
        }, TestContext.Current.CancellationToken);
        var conflict = Assert.Single(report.Conflicts);
        Assert.Equal("gd-exclusive", conflict.Existing);
        Assert.Contains("regions: CN-GD", conflict.Overlap, StringComparison.Ordinal);
        Assert.Equal(["Pearl River Bank (C-GD-FIN)"], conflict.Customers);

        var stacking = await Service.ValidateAsync(new PriceChangeContent
        {
            Add = [new PriceRule { Name = "sh-only", Effect = PriceEffectKind.Percentage, Value = -5, Scope = new() { RegionCodes = ["CN-SH"] } }],
        }, TestContext.Current.CancellationToken);
        Assert.Empty(stacking.Conflicts);
    }
}

