using System.Globalization;
using TokenConsole.Auth;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Features.Billing;

/// <summary>
/// Bills for other systems: <c>GET /api/v1/customers/{code}/bills</c> (paged) and <c>GET /api/v1/bills/{id}</c>, shaped after
/// TM Forum TMF678 CustomerBill, with an API key in <c>X-Api-Key</c> (the ingestion keys today; a <c>bills:read</c> scope
/// comes with issue 17). And, for people signed in, <c>GET /bills/{id}.csv</c>. Unknown ones get a 404 problem.
/// </summary>
public static class BillEndpoints
{
    public const int MaxLimit = 100;

    public static void MapBillEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").AllowAnonymous();
        api.MapGet("/customers/{code}/bills", async (string code, int? offset, int? limit, HttpContext http, IApiKeyAuthenticator keys, BillService bills, CancellationToken ct) =>
        {
            if (Unauthorized(http, keys) is { } denied)
            {
                return denied;
            }
            if (offset < 0 || limit is < 1 or > MaxLimit)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid paging",
                    detail: $"'offset' must be ≥ 0 and 'limit' between 1 and {MaxLimit}.");
            }
            var (from, take) = (offset ?? 0, limit ?? 20);
            if (await bills.OfCustomerAsync(code, from, take, ct) is not { } page)
            {
                return NotFound($"No customer has the code '{Shorten(code)}'.");
            }
            var items = new List<CustomerBillDto>();
            foreach (var id in page.Ids)
            {
                items.Add(Dto((await bills.GetAsync(id, ct))!, http));
            }
            http.Response.Headers["X-Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
            return Results.Ok(items);
        }).WithName("ListCustomerBills").WithSummary("A customer's bills, newest first (TMF678 CustomerBill)");

        api.MapGet("/bills/{id}", async (string id, HttpContext http, IApiKeyAuthenticator keys, BillService bills, CancellationToken ct) =>
        {
            if (Unauthorized(http, keys) is { } denied)
            {
                return denied;
            }
            return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var billId) && await bills.GetAsync(billId, ct) is { } bill
                ? Results.Ok(Dto(bill, http))
                : NotFound($"No bill has the id '{Shorten(id)}'.");
        }).WithName("GetCustomerBill").WithSummary("One bill with its lines (TMF678 CustomerBill)");

        endpoints.MapGet("/bills/{id:long}.csv", async (long id, BillService bills, CancellationToken ct) =>
        {
            if (await bills.GetAsync(id, ct) is not { } bill)
            {
                return NotFound($"No bill has the id '{id}'.");
            }
            var buffer = new MemoryStream();
            await BillCsv.WriteAsync(bill, buffer, ct);
            buffer.Position = 0;
            return Results.File(buffer, "text/csv; charset=utf-8", $"{bill.Bill.BillNo}.csv");
        }).RequireAuthorization(Policies.Read);
    }

    private static IResult? Unauthorized(HttpContext http, IApiKeyAuthenticator keys)
    {
        if (keys.Authenticate(http.Request.Headers[IngestionEndpoints.ApiKeyHeader]) is not null)
        {
            return null;
        }
        http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: $"Send a valid, unrevoked API key in the {IngestionEndpoints.ApiKeyHeader} header.");
    }

    private static IResult NotFound(string detail) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    public static CustomerBillDto Dto(BillView view, HttpContext http)
    {
        var b = view.Bill;
        var month = BillMonth.Of(b.Period);
        var id = b.Id.ToString(CultureInfo.InvariantCulture);
        return new CustomerBillDto(
            id, $"{http.Request.Scheme}://{http.Request.Host}/api/v1/bills/{id}", b.BillNo, "new",
            new TimePeriod(new DateTimeOffset(month.StartUtc).ToOffset(Data.BusinessCalendar.Offset), new DateTimeOffset(month.EndUtc).ToOffset(Data.BusinessCalendar.Offset)),
            b.IssuedAt.ToOffset(Data.BusinessCalendar.Offset),
            new BillingAccountRef(view.Customer.Code, view.Customer.Name),
            Money(b.TotalFen), Money(b.NetFen), Money(b.TaxFen), Money(b.TotalFen),
            [new TaxItem("VAT", b.VatRate, Money(b.TaxFen))],
            [.. b.Lines.Select(l => new AppliedBillingRateDto(l.Number.ToString(CultureInfo.InvariantCulture), LineName(view, l), l.Kind.ToString(),
                l.UsageMonth, l.Quantity, l.UnitPrice, Money(l.AmountFen), l.RulesEffectMicros == 0 ? null : Yuan(Data.Money.ToFen(l.RulesEffectMicros)),
                view.Packages.TryGetValue(l.PackageId ?? 0, out var p) ? p.Code : null, view.Models.TryGetValue(l.ModelId ?? 0, out var m) ? m.Code : null,
                l.Detail, l.RuleEffects.Count == 0 ? null : [.. l.RuleEffects.Select(e => new PriceRuleEffectDto(e.RuleName, e.RuleSetVersion, Yuan(e.EffectFen / 100m)))]))]);
    }

    /// <summary>A line's name in English, as the CSV and the API give it.</summary>
    public static string LineName(BillView view, BillLine l) => l.Kind switch
    {
        BillLineKind.Fee => $"Fee: {view.PackageName(l.PackageId, false)}",
        BillLineKind.TopUp => $"Top-up: {view.PackageName(l.PackageId, false)}",
        BillLineKind.Usage => $"Usage: {view.ModelName(l.ModelId)}",
        BillLineKind.LateUsage => $"Late usage ({l.UsageMonth}): {view.ModelName(l.ModelId)}",
        _ => $"Credit note {l.CreditNoteId}",
    };

    /// <summary>A usage line's price rules in English, as the CSV's detail gives them: "Night discount (v3): -12.34; Volume (v3): -1.20".</summary>
    public static string? RulesDetail(BillLine l) => l.RuleEffects.Count == 0 ? l.Detail
        : string.Join("; ", l.RuleEffects.Select(e => $"{e.RuleName} (v{e.RuleSetVersion}): {Yuan(e.EffectFen / 100m).ToString(CultureInfo.InvariantCulture)}"));

    private static MoneyDto Money(long fen) => new("CNY", Yuan(fen / 100m));

    /// <summary>Yuan with exactly two decimals (12.30, not 12.3), as an amount of money reads.</summary>
    public static decimal Yuan(decimal yuan) => decimal.Round(yuan, 2, MidpointRounding.AwayFromZero) + 0.00m;
}

public sealed record MoneyDto(string Unit, decimal Value);
public sealed record TimePeriod(DateTimeOffset StartDateTime, DateTimeOffset EndDateTime);
public sealed record TaxItem(string TaxCategory, decimal TaxRate, MoneyDto TaxAmount);
public sealed record BillingAccountRef(string Id, string Name);

public sealed record AppliedBillingRateDto(string Id, string Name, string Type, int? UsageMonth, decimal Quantity, decimal UnitPrice, MoneyDto TaxIncludedAmount,
    decimal? PriceRulesEffect, string? PackageCode, string? ModelCode, string? Detail, IReadOnlyList<PriceRuleEffectDto>? PriceRules);

/// <summary>A price rule that changed a usage line: its name, its rule-set version and its effect in CNY (the effects of a line add up to its PriceRulesEffect).</summary>
public sealed record PriceRuleEffectDto(string Name, int Version, decimal Effect);

/// <summary>TMF678 CustomerBill, the fields this console has.</summary>
public sealed record CustomerBillDto(string Id, string Href, string BillNo, string State, TimePeriod BillingPeriod, DateTimeOffset BillDate,
    BillingAccountRef BillingAccount, MoneyDto AmountDue, MoneyDto TaxExcludedAmount, MoneyDto TaxAmount, MoneyDto TaxIncludedAmount,
    IReadOnlyList<TaxItem> TaxItem, IReadOnlyList<AppliedBillingRateDto> AppliedBillingRate);
