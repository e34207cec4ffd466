using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Overview;

namespace TokenConsole.Tests.Billing;

/// <summary>Credit notes against a November bill of ¥3,000.00, threshold ¥1,000 (the configured default).</summary>
public sealed class CreditNoteTests : BillingTestBed
{
    private Bill _bill = null!;

    private async Task<Bill> BillAsync()
    {
        var c = AddCustomers(1)[0];
        AddFees(c, November, 30, 100_000_000);
        await Runs.RunAsSystemAsync(November, cancellationToken: Ct);
        return _bill = Assert.Single(await BillsOfAsync(November));
    }

    /// <summary>The day's credit as the rollups that hold it: the customer's row (and month, the same), the region × industry cells, the report's package 0 (credit notes).</summary>
    private async Task<(long Revenue, long Cell, long Package)> CreditRecognizedAsync()
    {
        await using var db = Database.CreateDbContext();
        var day = BusinessCalendar.DayStartUtc(Clock.GetUtcNow().UtcDateTime);
        var revenue = await db.RevenueDaily.Where(r => r.Day == day && r.CustomerId == _bill.CustomerId && r.PackageId == 0).SumAsync(r => r.CreditMicros, Ct);
        var cell = await db.RegionIndustryDaily.Where(r => r.Day == day).SumAsync(r => r.CreditMicros, Ct);
        var package = await db.PackageModelDaily.Where(r => r.Day == day && r.PackageId == 0 && r.ModelId == 0).SumAsync(r => r.CreditMicros, Ct);
        var month = await db.CustomerMonthly.Where(m => m.Month == BusinessCalendar.MonthStartUtc(day) && m.CustomerId == _bill.CustomerId).SumAsync(m => m.CreditMicros, Ct);
        Assert.Equal(revenue, month);
        Assert.Equal(cell, await db.RegionIndustryMonthly.Where(m => m.Month == BusinessCalendar.MonthStartUtc(day)).SumAsync(m => m.CreditMicros, Ct));
        return (revenue, cell, package);
    }

    [Fact]
    public async Task At_or_below_the_threshold_a_credit_note_is_approved_by_policy_at_once_and_taken_out_of_that_days_revenue()
    {
        var bill = await BillAsync();

        var result = await CreditNotes.ProposeAsync(Am, bill.Id, 1_000m, "Latency above the SLA on 12 November", Ct);

        var note = result.Value!;
        Assert.Equal((CreditNoteStatus.Approved, CreditNoteService.PolicyDecider, 100_000L), (note.Status, note.DecidedById, note.AmountFen));
        Assert.Equal((1_000_000_000L, 1_000_000_000L, 1_000_000_000L), await CreditRecognizedAsync());
        await using var db = Database.CreateDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "creditnote.proposed" && e.ActorName == "Liu Yang", Ct));
    }

    [Fact]
    public async Task Above_the_threshold_it_waits_for_an_executive_who_did_not_propose_it_and_shows_in_their_pending_reviews()
    {
        var bill = await BillAsync();
        var amAndExec = User("both-1", "Zhao Min", Roles.AccountManager, Roles.Executive);

        var note = (await CreditNotes.ProposeAsync(amAndExec, bill.Id, 1_000.01m, "Goodwill after the outage", Ct)).Value!;

        Assert.Equal(CreditNoteStatus.PendingApproval, note.Status);
        Assert.Equal((0L, 0L, 0L), await CreditRecognizedAsync());
        var own = await CreditNotes.ApproveAsync(amAndExec, note.Id, note.Version, "ok", Ct);
        Assert.Equal("You proposed this credit note: another executive decides it.", own.Refusal!.Code);
        Assert.False((await CreditNotes.ApproveAsync(Am, note.Id, note.Version, "ok", Ct)).Succeeded);

        var source = Services.CreateScope().ServiceProvider.GetServices<IReviewSource>().OfType<CreditNoteReviewSource>().Single();
        await using (var db = Database.CreateDbContext())
        {
            var pending = Assert.Single(await source.PendingAsync(db, new Actor("exec-1", "Chen Jing"), Ct));
            Assert.Equal(($"/credit-notes/{note.Id}", ReviewKind.CreditNote), (pending.Href, pending.Kind));
            Assert.Empty(await source.PendingAsync(db, new Actor("both-1", "Zhao Min"), Ct));
            Assert.Single(await source.ProposedByAsync(db, new Actor("both-1", "Zhao Min"), 10, Ct));
        }

        var approved = await CreditNotes.ApproveAsync(Exec, note.Id, note.Version, "Agreed with the customer", Ct);

        Assert.Equal((CreditNoteStatus.Approved, "exec-1", "Agreed with the customer"), (approved.Value!.Status, approved.Value.DecidedById, approved.Value.DecisionComment));
        Assert.Equal((1_000_010_000L, 1_000_010_000L, 1_000_010_000L), await CreditRecognizedAsync());
        // The customer's page tells the story: proposed by one person, approved by another.
        var details = await Services.CreateScope().ServiceProvider.GetRequiredService<CustomerQueries>().DetailsAsync("C00001", Ct);
        Assert.Equal([AuditActions.CreditNoteApproved, AuditActions.CreditNoteProposed],
            details!.Audit.Where(a => a.EntityType == nameof(CreditNote)).Select(a => a.Action));
    }

    [Fact]
    public async Task Approving_needs_a_comment_rejecting_a_reason_and_a_rejected_note_takes_no_revenue_back()
    {
        var bill = await BillAsync();
        var note = (await CreditNotes.ProposeAsync(Am, bill.Id, 2_000m, "Disputed overage", Ct)).Value!;

        Assert.Equal("comment", (await CreditNotes.ApproveAsync(Exec, note.Id, note.Version, " ", Ct)).Refusal!.Field);
        Assert.Equal("reason", (await CreditNotes.RejectAsync(Exec, note.Id, note.Version, null, Ct)).Refusal!.Field);
        var rejected = await CreditNotes.RejectAsync(Exec, note.Id, note.Version, "The overage was real", Ct);

        Assert.Equal(CreditNoteStatus.Rejected, rejected.Value!.Status);
        Assert.Equal((0L, 0L, 0L), await CreditRecognizedAsync());
    }

    [Fact]
    public async Task Two_executives_deciding_the_same_note_at_once_the_second_is_refused_as_a_conflict()
    {
        var bill = await BillAsync();
        var note = (await CreditNotes.ProposeAsync(Am, bill.Id, 1_500m, "Double-charged fee", Ct)).Value!;

        var first = await CreditNotes.ApproveAsync(Exec, note.Id, note.Version, "Yes", Ct);
        var second = await CreditNotes.RejectAsync(OtherExec, note.Id, note.Version, "No", Ct);

        Assert.True(first.Succeeded);
        Assert.True(second.Conflict);
        Assert.Equal(CreditNoteStatus.Approved, (await CreditNotes.FindAsync(note.Id, Ct))!.Status);
    }

    [Fact]
    public async Task The_amount_is_more_than_zero_in_fen_and_at_most_what_the_bill_still_allows_and_a_reason_is_required()
    {
        var bill = await BillAsync();

        Assert.Equal("amount", (await CreditNotes.ProposeAsync(Am, bill.Id, 0m, "x", Ct)).Refusal!.Field);
        Assert.Equal("amount", (await CreditNotes.ProposeAsync(Am, bill.Id, null, "x", Ct)).Refusal!.Field);
        Assert.Equal("amount", (await CreditNotes.ProposeAsync(Am, bill.Id, 1.234m, "x", Ct)).Refusal!.Field);
        Assert.Equal("amount", (await CreditNotes.ProposeAsync(Am, bill.Id, 3_000.01m, "x", Ct)).Refusal!.Field);
        Assert.Equal("reason", (await CreditNotes.ProposeAsync(Am, bill.Id, 10m, "  ", Ct)).Refusal!.Field);
        Assert.True((await CreditNotes.ProposeAsync(Am, bill.Id, 900m, "First", Ct)).Succeeded);
        var over = await CreditNotes.ProposeAsync(Am, bill.Id, 2_100.01m, "Second", Ct);
        Assert.Equal(("amount", "At most {0} can still be credited against this bill."), (over.Refusal!.Field, over.Refusal.Code));
        Assert.True((await CreditNotes.ProposeAsync(Am, bill.Id, 2_100m, "Second", Ct)).Succeeded);
        Assert.False((await CreditNotes.ProposeAsync(Exec, bill.Id, 1m, "Not an account manager", Ct)).Succeeded);
        await using var db = Database.CreateDbContext();
        Assert.Equal(2, await db.CreditNotes.CountAsync(Ct));
    }
}
