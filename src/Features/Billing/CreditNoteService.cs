using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Billing;

/// <summary>
/// Credit notes, maker–checker: an account manager proposes one against an issued bill; at or below
/// <see cref="BillingOptions.CreditNoteApprovalThreshold"/> it is approved by policy at once, above it an executive who
/// is not the proposer (compared by stable id) approves (with a comment) or rejects (with a reason). Approval takes the
/// amount back out of recognized revenue on the Beijing day of approval, in the approval's transaction; the next bill
/// run applies it as a Credit line.
/// </summary>
public sealed class CreditNoteService(IDbContextFactory<TokenConsoleDbContext> dbFactory, AuditedWriter writer, IOptions<BillingOptions> options)
{
    public const int MaxNoteLength = 500;
    /// <summary>Who decided a credit note at or below the threshold.</summary>
    public const string PolicyDecider = "policy";

    public decimal Threshold => options.Value.CreditNoteApprovalThreshold;

    public async Task<CreditNote?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CreditNotes.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    /// <summary>The credit notes against a bill, and those applied on it.</summary>
    public async Task<IReadOnlyList<CreditNote>> OfBillAsync(long billId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CreditNotes.AsNoTracking().Where(c => c.BillId == billId || c.AppliedOnBillId == billId).OrderBy(c => c.Id).ToListAsync(ct);
    }

    /// <summary>What may still be credited against a bill: its total minus the credits approved (or applied) against it.</summary>
    public async Task<decimal> CreditableAsync(long billId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var bill = await db.Bills.AsNoTracking().FirstOrDefaultAsync(b => b.Id == billId, ct);
        return bill is null ? 0 : (bill.TotalFen - await CreditedFenAsync(db, billId, null, ct)) / 100m;
    }

    public Task<WriteResult<CreditNote>> ProposeAsync(ClaimsPrincipal user, long billId, decimal? amount, string? reason, CancellationToken ct = default) =>
        writer.WriteAsync<CreditNote>(user, Policies.ProposeCreditNotes, async w =>
        {
            var bill = await w.Db.Bills.FirstOrDefaultAsync(b => b.Id == billId, ct);
            if (bill is null)
            {
                return new Refusal("This bill does not exist.");
            }
            if (amount is not { } yuan || yuan <= 0)
            {
                return new Refusal("Enter an amount greater than zero.", "amount");
            }
            if (decimal.Round(yuan, 2) != yuan)
            {
                return new Refusal("An amount has at most two decimals (fen).", "amount");
            }
            var fen = (long)(yuan * 100);
            var creditable = bill.TotalFen - await CreditedFenAsync(w.Db, billId, null, ct);
            if (fen > creditable)
            {
                return new Refusal("At most {0} can still be credited against this bill.", "amount", Money.ToFen(creditable / 100m));
            }
            if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxNoteLength)
            {
                return new Refusal("A reason of 1 to {0} characters is required.", "reason", MaxNoteLength);
            }
            var note = new CreditNote
            {
                CustomerId = bill.CustomerId, BillId = bill.Id, AmountFen = fen, Reason = reason.Trim(), Status = CreditNoteStatus.PendingApproval,
                ProposedById = w.Actor.Id, ProposedByName = w.Actor.Name, ProposedAt = w.Now,
            };
            w.Db.CreditNotes.Add(note);
            if (yuan <= Threshold)
            {
                note.Status = CreditNoteStatus.Approved;
                note.DecidedById = PolicyDecider;
                note.DecidedByName = PolicyDecider;
                note.DecidedAt = w.Now;
                await RecognizeAsync(w, note, ct);
            }
            w.Audit(AuditActions.CreditNoteProposed, nameof(CreditNote), () => note.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, () => Snapshot(note, bill.BillNo));
            return note;
        }, ct);

    public Task<WriteResult<CreditNote>> ApproveAsync(ClaimsPrincipal user, long id, uint version, string? comment, CancellationToken ct = default) =>
        DecideAsync(user, id, version, comment, approve: true, ct);

    public Task<WriteResult<CreditNote>> RejectAsync(ClaimsPrincipal user, long id, uint version, string? reason, CancellationToken ct = default) =>
        DecideAsync(user, id, version, reason, approve: false, ct);

    private Task<WriteResult<CreditNote>> DecideAsync(ClaimsPrincipal user, long id, uint version, string? words, bool approve, CancellationToken ct) =>
        writer.WriteAsync<CreditNote>(user, Policies.ApproveCreditNotes, async w =>
        {
            var note = await w.Db.CreditNotes.FirstOrDefaultAsync(c => c.Id == id, ct);
            if (note is null)
            {
                return new Refusal("This credit note does not exist.");
            }
            if (note.Version != version || note.Status != CreditNoteStatus.PendingApproval)
            {
                return Refusal.Stale;
            }
            if (w.Actor.Is(note.ProposedById))
            {
                return new Refusal("You proposed this credit note: another executive decides it.");
            }
            var field = approve ? "comment" : "reason";
            if (string.IsNullOrWhiteSpace(words) || words.Trim().Length > MaxNoteLength)
            {
                return approve
                    ? new Refusal("A comment of 1 to {0} characters is required to approve.", field, MaxNoteLength)
                    : new Refusal("A reason of 1 to {0} characters is required to reject.", field, MaxNoteLength);
            }
            var bill = await w.Db.Bills.FirstAsync(b => b.Id == note.BillId, ct);
            if (approve && note.AmountFen > bill.TotalFen - await CreditedFenAsync(w.Db, bill.Id, note.Id, ct))
            {
                return new Refusal("Other credits approved against this bill meanwhile leave less than this amount to credit.", field);
            }
            var before = Snapshot(note, bill.BillNo);
            w.Db.Entry(note).Property(c => c.Version).OriginalValue = version;
            note.Status = approve ? CreditNoteStatus.Approved : CreditNoteStatus.Rejected;
            note.DecidedById = w.Actor.Id;
            note.DecidedByName = w.Actor.Name;
            note.DecidedAt = w.Now;
            note.DecisionComment = words.Trim();
            if (approve)
            {
                await RecognizeAsync(w, note, ct);
            }
            w.Audit(approve ? AuditActions.CreditNoteApproved : AuditActions.CreditNoteRejected, nameof(CreditNote),
                note.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), before, Snapshot(note, bill.BillNo));
            return note;
        }, ct);

    /// <summary>Revenue taken back on the Beijing day of approval, in the approval's transaction.</summary>
    private static async Task RecognizeAsync(WriteContext w, CreditNote note, CancellationToken ct)
    {
        var customer = await w.Db.Customers.FirstAsync(c => c.Id == note.CustomerId, ct);
        var day = BusinessCalendar.DayStartUtc(w.Now.UtcDateTime);
        await RevenueLedger.AddAsync(w.Db, day, customer, 0, 0, 0, note.AmountFen * (Money.MicrosPerYuan / 100), ct);
    }

    private static async Task<long> CreditedFenAsync(TokenConsoleDbContext db, long billId, long? except, CancellationToken ct) =>
        await db.CreditNotes.Where(c => c.BillId == billId && c.Id != (except ?? 0) && (c.Status == CreditNoteStatus.Approved || c.Status == CreditNoteStatus.Applied))
            .SumAsync(c => c.AmountFen, ct);

    private static CreditNoteAudit Snapshot(CreditNote n, string billNo) =>
        new(billNo, n.AmountFen / 100m, n.Reason, n.Status, n.ProposedByName, n.DecidedByName, n.DecisionComment);
}

/// <summary>What the audit log records of a credit note.</summary>
public sealed record CreditNoteAudit(string BillNo, decimal AmountCny, string Reason, CreditNoteStatus Status, string ProposedBy, string? DecidedBy, string? DecisionComment);
