using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Pricing;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Pricing;

/// <summary>POST /api/v1/pricing/quote through real HTTP, and the pricing pages' guards.</summary>
public sealed class QuoteApiTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<object> ValidRequestAsync()
    {
        var book = factory.Services.GetRequiredService<PriceBookProvider>().Current;
        // A package that charges beyond its buckets (personal ones stop at the limit and quote zero there).
        var package = book.Packages.Values.Where(p => p.WhenExhausted == ExhaustionPolicy.PayAsYouGo && p.OveragePricePerMTok > 0 && p.Kind == PackageKind.Base)
            .Select(p => p.PackageId).Order().First();
        var model = book.Models.Keys.Order().First();
        return new { packageId = package, modelId = model, regionCode = "CN-GD", industryCode = "finance", segment = "LargeEnterprise",
            timestamp = DateTimeOffset.UtcNow, inputTokens = 600_000, outputTokens = 400_000, customerMonthlyTokens = 0, bucketRemaining = 0 };
    }

    [Fact]
    public async Task A_signed_in_user_gets_the_amount_the_base_price_and_the_rules_that_fired()
    {
        using var client = await factory.SignedInClientAsync("admin");
        var response = await client.PostAsJsonAsync("/api/v1/pricing/quote", await ValidRequestAsync(), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(body.GetProperty("basePrice").GetDouble() > 0);
        Assert.Equal("CNY", body.GetProperty("currency").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("rulesFired").ValueKind);
    }

    [Fact]
    public async Task An_approved_rule_changes_the_quote_and_its_rollback_restores_it()
    {
        using var client = await factory.SignedInClientAsync("pm");
        var request = await ValidRequestAsync();
        var before = (await (await client.PostAsJsonAsync("/api/v1/pricing/quote", request, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("amount").GetDouble();

        await using var scope = factory.Services.CreateAsyncScope();
        var changes = scope.ServiceProvider.GetRequiredService<PriceChangeService>();
        var pm = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "pm"), new Claim(ClaimTypes.Role, Roles.ProductManager)], "test"));
        var exec = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "exec"), new Claim(ClaimTypes.Role, Roles.Executive)], "test"));
        var draft = await changes.SaveDraftAsync(pm, null, 0, "API test", "", PriceChangeAudience.AllSubscriptions, DateTimeOffset.UtcNow.AddSeconds(-1),
            PriceChangeWorkflowTests.FinanceGd(name: "api-test-finance-gd"), null, Ct).OkAsync();
        var pending = await changes.SubmitAsync(pm, draft.Id, draft.Version, Ct).OkAsync();
        var active = await changes.ApproveAsync(exec, pending.Id, pending.Version, "Margin holds", Ct).OkAsync();
        Assert.Equal(PriceChangeStatus.Active, active.Status);
        try
        {
            var quote = await (await client.PostAsJsonAsync("/api/v1/pricing/quote", request, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(Math.Round(before * 0.85, 6), quote.GetProperty("amount").GetDouble(), 5);
            var fired = Assert.Single(quote.GetProperty("rulesFired").EnumerateArray());
            Assert.Equal("api-test-finance-gd", fired.GetProperty("name").GetString());
        }
        finally
        {
            await changes.RollbackAsync(exec, active.Id, active.Version, "Customers complained", Ct).OkAsync();
        }
        var after = (await (await client.PostAsJsonAsync("/api/v1/pricing/quote", request, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("amount").GetDouble();
        Assert.Equal(before, after, 6);
    }

    [Fact]
    public async Task A_quote_by_codes_gives_the_same_answer_as_the_same_quote_by_ids()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        var package = await db.Packages.Where(p => p.Code == "IND-FIN").Select(p => new { p.Id, p.Code, p.ActiveVersionId }).SingleAsync(Ct);
        var modelId = await db.PackageVersions.Where(v => v.Id == package.ActiveVersionId).SelectMany(v => v.Entitlements.Select(e => e.ModelId)).FirstAsync(Ct);
        var model = await db.Models.Where(m => m.Id == modelId).Select(m => new { m.Id, m.Code }).SingleAsync(Ct);
        var at = DateTimeOffset.UtcNow;
        using var client = await factory.SignedInClientAsync("pm");

        var byIds = await client.PostAsJsonAsync("/api/v1/pricing/quote", new { packageId = package.Id, modelId = model.Id, regionCode = "CN-GD", industryCode = "finance",
            timestamp = at, inputTokens = 600_000, outputTokens = 400_000 }, Ct);
        var byCodes = await client.PostAsJsonAsync("/api/v1/pricing/quote", new { packageCode = package.Code, modelCode = model.Code, regionCode = "CN-GD", industryCode = "finance",
            timestamp = at, inputTokens = 600_000, outputTokens = 400_000 }, Ct);

        Assert.Equal(HttpStatusCode.OK, byIds.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byCodes.StatusCode);
        var ids = await byIds.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var codes = await byCodes.Content.ReadFromJsonAsync<JsonElement>(Ct);
        foreach (var field in new[] { "amount", "basePrice", "computeCost" })
        {
            Assert.Equal(ids.GetProperty(field).GetDecimal(), codes.GetProperty(field).GetDecimal());
        }
        Assert.True(codes.GetProperty("computeCost").GetDecimal() > 0);
        Assert.True(codes.GetProperty("modelEntitled").GetBoolean());
    }

    [Fact]
    public async Task Tokens_still_in_the_buckets_are_quoted_at_zero_and_without_bucketRemaining_the_monthly_tokens_set_what_is_left()
    {
        using var client = await factory.SignedInClientAsync("am");
        async Task<JsonElement> QuoteAsync(object body) =>
            await (await client.PostAsJsonAsync("/api/v1/pricing/quote", body, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var inside = await QuoteAsync(new { packageCode = "IND-FIN", modelCode = "deepseek-v3", regionCode = "CN-GD", industryCode = "finance",
            inputTokens = 600_000, outputTokens = 400_000, bucketRemaining = 1_000_000_000 });
        var beyond = await QuoteAsync(new { packageCode = "IND-FIN", modelCode = "deepseek-v3", regionCode = "CN-GD", industryCode = "finance",
            inputTokens = 600_000, outputTokens = 400_000, bucketRemaining = 0 });
        // The older form: a month's tokens beyond any allowance leave nothing in the buckets.
        var oldForm = await QuoteAsync(new { packageCode = "IND-FIN", modelCode = "deepseek-v3", regionCode = "CN-GD", industryCode = "finance",
            inputTokens = 600_000, outputTokens = 400_000, customerMonthlyTokens = 900_000_000_000_000L });

        Assert.Equal(0m, inside.GetProperty("amount").GetDecimal());
        Assert.True(inside.GetProperty("bucketTokens").GetDecimal() > 0);
        Assert.Equal(0m, inside.GetProperty("overageTokens").GetDecimal());
        Assert.True(beyond.GetProperty("basePrice").GetDecimal() > 0);
        Assert.Equal(beyond.GetProperty("overageTokens").GetDecimal(), inside.GetProperty("bucketTokens").GetDecimal());
        Assert.Equal(beyond.GetProperty("basePrice").GetDecimal(), oldForm.GetProperty("basePrice").GetDecimal());
    }

    [Theory]
    [InlineData("packageCode", "NO-SUCH-PACKAGE")]
    [InlineData("modelCode", "no-such-model")]
    [InlineData("regionCode", "CN-XX")]
    [InlineData("industryCode", "piracy")]
    public async Task An_unknown_code_gets_a_problem_response_naming_its_field(string field, string code)
    {
        var request = new Dictionary<string, object> { ["packageCode"] = "IND-FIN", ["modelCode"] = "deepseek-v3", ["regionCode"] = "CN-GD", ["industryCode"] = "finance",
            ["inputTokens"] = 1000, ["outputTokens"] = 0 };
        request[field] = code;
        using var client = await factory.SignedInClientAsync("pm");

        var response = await client.PostAsJsonAsync("/api/v1/pricing/quote", request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"No error for {field}: {errors}");
    }

    [Fact]
    public async Task A_quote_for_a_model_the_package_does_not_entitle_says_so()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        var versionId = await db.Packages.Where(p => p.Code == "IND-FIN").Select(p => p.ActiveVersionId).SingleAsync(Ct);
        var entitled = await db.PackageVersions.Where(v => v.Id == versionId).SelectMany(v => v.Entitlements.Select(e => e.ModelId)).ToListAsync(Ct);
        var outside = await db.Models.Where(m => !entitled.Contains(m.Id)).Select(m => m.Code).FirstAsync(Ct);
        using var client = await factory.SignedInClientAsync("pm");

        var response = await client.PostAsJsonAsync("/api/v1/pricing/quote", new { packageCode = "IND-FIN", modelCode = outside, regionCode = "CN-GD", industryCode = "finance",
            inputTokens = 1000, outputTokens = 0 }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("modelEntitled").GetBoolean());
    }

    [Fact]
    public async Task Bad_input_gets_a_problem_response_naming_each_field()
    {
        using var client = await factory.SignedInClientAsync("ops");
        var response = await client.PostAsJsonAsync("/api/v1/pricing/quote",
            new { packageId = 99999, modelId = -1, regionCode = "", industryCode = "finance", segment = "Martian", inputTokens = -5, outputTokens = 0, bucketRemaining = -1 }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        foreach (var field in new[] { "packageId", "modelId", "regionCode", "segment", "inputTokens", "bucketRemaining" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"inputTokens\": \"many\"}")]
    [InlineData("")]
    public async Task Malformed_bodies_are_refused_with_400_never_500(string body)
    {
        using var client = await factory.SignedInClientAsync("pm");
        var response = await client.PostAsync("/api/v1/pricing/quote", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_caller_gets_no_quote()
    {
        using var client = factory.CreateBrowserLikeClient();
        var response = await client.PostAsJsonAsync("/api/v1/pricing/quote", await ValidRequestAsync(), Ct);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.True((int)response.StatusCode < 500);
    }

    [Theory]
    [InlineData("pm", true)]
    [InlineData("ops", true)]
    [InlineData("exec", false)]
    [InlineData("admin", false)]
    public async Task Only_proposers_open_the_price_change_wizard(string user, bool allowed)
    {
        using var client = await factory.SignedInClientAsync(user);
        var response = await client.GetAsync("/pricing/changes/new", Ct);
        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Redirect, response.StatusCode);
        foreach (var page in new[] { "/pricing/changes", "/pricing/quote", "/pricing/rules" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(page, Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task The_impact_simulation_rerates_the_rollups_with_the_proposal()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var simulator = scope.ServiceProvider.GetRequiredService<ImpactSimulator>();
        var progress = new List<double>();
        // Which cells earn usage charges (beyond the buckets) depends on the hour the demo data was generated at: the
        // rule is aimed at the cell that earned the most in the 30 days simulated.
        var (region, industry) = await MostChargedCellAsync(scope.ServiceProvider, days: 30);
        var content = new PriceChangeContent
        {
            Add = [new PriceRule { Name = "one-cell", Effect = PriceEffectKind.Percentage, Value = -15, Scope = new() { RegionCodes = [region], IndustryCodes = [industry] } }],
        };
        var result = await simulator.SimulateAsync(content, 30, new SyncProgress(progress), Ct);
        // On the demo data too, grouped (issue 14) and row by row give the same money, the grouped pass reading fewer rows.
        var rowByRow = await simulator.SimulateAsync(content, 30, SimulationMethod.RowByRow, null, Ct);
        Assert.True(result.RollupRows < rowByRow.RollupRows, $"{result.RollupRows} rows read of {rowByRow.RollupRows}");
        Assert.Equal(Math.Round(rowByRow.RevenueBefore, 6), Math.Round(result.RevenueBefore, 6));
        Assert.Equal(Math.Round(rowByRow.RevenueAfter, 6), Math.Round(result.RevenueAfter, 6));
        Assert.True(result.RevenueBefore > 0);
        // -15 % on that cell only: the delta is negative, and only that cell moves.
        Assert.True(result.Delta < 0);
        var moved = result.Cells.Where(c => c.Delta != 0).ToList();
        var cell = Assert.Single(moved);
        Assert.Equal((region, industry), (cell.Region, cell.Industry));
        // Each row scaled by the ratio of two exact prices (a decimal division): equal to far below the micro-yuan.
        Assert.True(Math.Abs(cell.Before * 0.85m - cell.After) < 0.000001m, $"{cell.Before} × 0.85 ≠ {cell.After}");
        Assert.All(result.LargestMovers, m => Assert.Equal((region, industry), (m.Region, m.Industry)));
        Assert.True(result.CustomersAffected > 0);
        Assert.Equal(1.0, progress[^1]);
    }

    [Fact]
    public async Task Customers_daily_usage_is_rated_at_noon_and_the_result_says_so_when_the_change_reads_the_hour()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var simulator = scope.ServiceProvider.GetRequiredService<ImpactSimulator>();
        var (region, industry) = await MostChargedCellAsync(scope.ServiceProvider, days: 30);
        PriceChangeContent Window(int from, int to) => new()
        {
            Add = [new PriceRule { Name = "window", Effect = PriceEffectKind.Percentage, Value = -10, Scope = new() { RegionCodes = [region], IndustryCodes = [industry], HourFrom = from, HourTo = to } }],
        };

        // Midnight to 06:00 does not hold noon: no customer's daily usage moves (they were rated at 04:00 and all moved).
        var night = await simulator.SimulateAsync(Window(0, 6), 30, null, Ct);
        Assert.Equal(0, night.CustomersAffected);
        Assert.True(night.CustomersRatedAtNoon);
        Assert.False(night.CellsWithoutSegments);
        // 11:00 to 13:00 holds it: the cell's customers move.
        var midday = await simulator.SimulateAsync(Window(11, 13), 30, null, Ct);
        Assert.True(midday.CustomersAffected > 0);
        Assert.All(midday.LargestMovers, m => Assert.Equal((region, industry), (m.Region, m.Industry)));
        // Neither hour nor segment read: nothing to say.
        var plain = await simulator.SimulateAsync(new PriceChangeContent { Add = [new PriceRule { Name = "all", Effect = PriceEffectKind.Percentage, Value = -1 }] }, 30, null, Ct);
        Assert.False(plain.CustomersRatedAtNoon || plain.CellsWithoutSegments);
        var segment = await simulator.SimulateAsync(new PriceChangeContent
        {
            Add = [new PriceRule { Name = "sme", Effect = PriceEffectKind.Percentage, Value = -1, Scope = new() { Segments = [CustomerSegment.Sme] } }],
        }, 30, null, Ct);
        Assert.True(segment.CellsWithoutSegments);
        Assert.False(segment.CustomersRatedAtNoon);
    }

    private static async Task<(string Region, string Industry)> MostChargedCellAsync(IServiceProvider services, int days)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        var from = BusinessCalendar.DayStartUtc(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime).AddDays(1 - days);
        var cells = await db.RegionIndustryDaily.AsNoTracking().Where(c => c.Day >= from && c.RevenueMicros > 0)
            .GroupBy(c => new { c.RegionCode, c.IndustryCode }).Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Micros = g.Sum(c => c.RevenueMicros) })
            .ToListAsync(Ct);
        var busiest = cells.OrderByDescending(c => c.Micros).First();
        return (busiest.RegionCode, busiest.IndustryCode);
    }

    private sealed class SyncProgress(List<double> values) : IProgress<double>
    {
        public void Report(double value) => values.Add(value);
    }
}
