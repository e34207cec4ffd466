using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Overview;

namespace TokenConsole.Features.Billing;

/// <summary>Credit notes above the threshold waiting for an executive: never shown to their proposer as pending.</summary>
internal sealed class CreditNoteReviewSource : IReviewSource
{
    public string Policy => Policies.ApproveCreditNotes;

    public async Task<IReadOnlyList<ReviewItem>> PendingAsync(TokenConsoleDbContext db, Actor actor, CancellationToken ct) =>
        await ItemsAsync(db.CreditNotes.Where(n => n.Status == CreditNoteStatus.PendingApproval && n.ProposedById != actor.Id), db, ct);

    public async Task<IReadOnlyList<ReviewItem>> ProposedByAsync(TokenConsoleDbContext db, Actor actor, int take, CancellationToken ct) =>
        await ItemsAsync(db.CreditNotes.Where(n => n.ProposedById == actor.Id).OrderByDescending(n => n.Id).Take(take), db, ct);

    private static async Task<IReadOnlyList<ReviewItem>> ItemsAsync(IQueryable<CreditNote> notes, TokenConsoleDbContext db, CancellationToken ct)
    {
        var rows = await (from n in notes.AsNoTracking()
                          join c in db.Customers on n.CustomerId equals c.Id
                          join b in db.Bills on n.BillId equals b.Id
                          select new { n.Id, n.AmountFen, n.Status, n.ProposedByName, n.ProposedAt, c.Code, c.Name, c.NameZh, b.BillNo }).ToListAsync(ct);
        return [.. rows.Select(r => new ReviewItem(ReviewKind.CreditNote, (int)r.Id,
            $"Credit note ¥{r.AmountFen / 100m:N2} for {r.Name} ({r.BillNo})", $"贷项通知单 ¥{r.AmountFen / 100m:N2}：{r.NameZh}（{r.BillNo}）",
            $"CreditNoteStatus.{r.Status}", r.ProposedByName, r.ProposedAt, $"/credit-notes/{r.Id}"))];
    }
}
