using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Features.Compute;
using TokenConsole.Tests.Components;
using static TokenConsole.Tests.Compute.ComputeTestBed;

namespace TokenConsole.Tests.Compute;

/// <summary>The matrix cell editor over the test bed's estate in a real SQLite file, with the real policies.</summary>
public sealed class DeploymentEditorTests : ComponentTestContext
{
    private readonly TestDatabase _database = new();

    public DeploymentEditorTests()
    {
        Seed(_database);
        Services.AddModules(_database, new FakeTimeProvider(Now), b => b.AddCompute());
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _database.Dispose();
    }

    private IRenderedComponent<DeploymentEditor> Open(int model, int pool, Action? onChanged = null)
    {
        // After SignInAs: the renderer fixes the service provider.
        SetRendererInfo(new RendererInfo("Server", true));
        var cut = Render<DeploymentEditor>(p => p.Add(c => c.ModelId, model).Add(c => c.PoolId, pool).Add(c => c.OnChanged, onChanged ?? (() => { })));
        cut.WaitForElement("[data-testid='cell-editor']");
        return cut;
    }

    private static IElement Input(IRenderedComponent<DeploymentEditor> cut, string testId)
    {
        var element = cut.Find($"[data-testid='{testId}']");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    /// <summary>
    /// The message right under the field (its own line: in the browser the MudNumericField of the dialog did not show its
    /// ErrorText, so the editor renders the message itself).
    /// </summary>
    private static string? MessageOf(IRenderedComponent<DeploymentEditor> cut, string testId) =>
        cut.FindAll($"[data-testid='{testId}-error']").SingleOrDefault()?.TextContent.Trim();

    private async Task<bool> DeployedAsync(int model, int pool)
    {
        await using var db = _database.CreateDbContext();
        return await db.Deployments.AnyAsync(d => d.ModelId == model && d.PoolId == pool, Xunit.TestContext.Current.CancellationToken);
    }

    [Fact]
    public void An_allocation_above_the_free_capacity_is_flagged_next_to_the_field()
    {
        SignInAs(Roles.Operations);
        var cut = Open(Three, B);
        Assert.Equal("Free on this pool: 200 of 500 tokens/s", cut.Find("[data-testid='cell-free']").TextContent.Trim());

        Input(cut, "cell-allocated").Input("201");

        // The check may wait on the database (longer on a server than on a file): the message is awaited, not assumed.
        cut.WaitForAssertion(() => Assert.Equal("Over the pool's capacity: only 200 tokens/s are free on this pool.", MessageOf(cut, "cell-allocated")));
        Input(cut, "cell-allocated").Input("200");
        cut.WaitForAssertion(() => Assert.Null(MessageOf(cut, "cell-allocated")));
    }

    [Fact]
    public async Task The_server_refusal_is_shown_next_to_the_field_when_someone_else_took_the_capacity_meanwhile()
    {
        SignInAs(Roles.Operations);
        var changed = false;
        var cut = Open(Three, B, () => changed = true);
        Input(cut, "cell-allocated").Input("150");
        Assert.Null(MessageOf(cut, "cell-allocated"));

        // Someone else allocates 100 of B's 200 free tokens/s while the editor is open.
        await Services.GetRequiredService<ComputeEditService>().SaveDeploymentAsync(Ops,
            new DeploymentForm { ModelId = Two, PoolId = B, AllocatedTokensPerSecond = 100, RoutingWeight = 10, Role = DeploymentRole.Failover }, Xunit.TestContext.Current.CancellationToken);
        await cut.Find("[data-testid='cell-save']").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Over the pool's capacity: only 100 tokens/s are free on this pool.", MessageOf(cut, "cell-allocated")));
        Assert.False(changed);
        Assert.False(await DeployedAsync(Three, B));
    }

    [Fact]
    public async Task A_valid_new_deployment_is_saved()
    {
        SignInAs(Roles.Operations);
        var changed = false;
        var cut = Open(Three, C, () => changed = true);
        Input(cut, "cell-allocated").Input("150");

        await cut.Find("[data-testid='cell-save']").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.True(changed));
        Assert.True(await DeployedAsync(Three, C));
    }

    [Theory]
    [InlineData(Roles.ProductManager)]
    [InlineData(Roles.Executive)]
    [InlineData(Roles.Administrator)]
    public void Other_roles_see_the_deployment_read_only(string role)
    {
        SignInAs(role);
        var cut = Open(One, A);

        Assert.NotNull(cut.Find("[data-testid='cell-readonly']"));
        Assert.Empty(cut.FindAll("[data-testid='cell-save']"));
        Assert.Empty(cut.FindAll("[data-testid='cell-remove']"));
        Assert.True(Input(cut, "cell-allocated").HasAttribute("readonly"));
        Assert.Equal("400", Input(cut, "cell-allocated").GetAttribute("value"));
    }

    [Fact]
    public void The_editor_warns_of_a_missing_remote_failover_and_of_a_residency_conflict()
    {
        SignInAs(Roles.Operations);
        var one = Open(One, A);
        Assert.NotNull(one.Find("[data-testid='cell-warning-failover']"));
        Assert.Empty(one.FindAll("[data-testid='cell-warning-residency']"));

        var two = Open(Two, C);
        Assert.Contains("(CN-GD)", two.Find("[data-testid='cell-warning-residency']").TextContent);
        Assert.Empty(two.FindAll("[data-testid='cell-warning-failover']"));
    }

    [Fact]
    public async Task Removing_asks_for_confirmation_and_the_last_primary_is_refused_with_a_message()
    {
        SignInAs(Roles.Operations);
        var cut = Open(Two, A);

        cut.Find("[data-testid='cell-remove']").Click();
        Assert.True(await DeployedAsync(Two, A));
        // The confirmation may wait on the database (longer on a server than on a file): awaited, not assumed.
        await cut.WaitForElement("[data-testid='cell-remove-confirm']").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.StartsWith("This is the last primary deployment on an online pool of a model on sale",
            cut.Find("[data-testid='cell-error']").TextContent.Trim()));
        Assert.True(await DeployedAsync(Two, A));

        var other = Open(One, A);
        other.Find("[data-testid='cell-remove']").Click();
        await other.WaitForElement("[data-testid='cell-remove-confirm']").ClickAsync(new());
        // Polled here, not inside WaitForAssertion: blocking on a truly asynchronous query (Npgsql's) from the renderer's
        // dispatcher waited for itself for ever; SQLite's "async" calls complete synchronously and hid it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await DeployedAsync(One, A) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Xunit.TestContext.Current.CancellationToken);
        }
        Assert.False(await DeployedAsync(One, A));
    }
}
