using Microsoft.Playwright;
using static TokenConsole.E2E.Pages;

namespace TokenConsole.E2E;

/// <summary>Models and pools in a real browser: operations maps a model onto a pool and sees the impact of draining one.</summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class ComputeTests(ConsoleServer server)
{
    private static async Task OpenTabAsync(IPage page, string english, string chinese)
    {
        await page.Locator(".mud-tab").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex($"^({english}|{chinese})$") }).ClickAsync();
    }

    private static async Task OpenDrainDialogAsync(IPage page, string pool)
    {
        await page.GetByTestId("pools-table").WaitForAsync();
        await page.Locator($"[data-testid='status-pool-{pool}'] button, button[data-testid='status-pool-{pool}']").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-menu-item").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex("Draining|排空") }).ClickAsync();
        await page.GetByTestId("impact-panel").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        // The status menu has closed: it is not left open behind the dialog.
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-menu-item")).ToHaveCountAsync(0);
    }

    private static ILocator PoolRow(IPage page, string pool) =>
        page.GetByTestId("pools-table").Locator("tbody tr").Filter(new() { Has = page.Locator($"[data-testid='status-pool-{pool}']") });

    private static async Task SetStatusAsync(IPage page, string pool, string status)
    {
        await page.Locator($"[data-testid='status-pool-{pool}'] button, button[data-testid='status-pool-{pool}']").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-menu-item").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex($"^({status})$") }).ClickAsync();
        await page.GetByTestId("impact-panel").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.GetByTestId("status-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status-dialog")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Operations_maps_a_model_onto_a_pool_is_refused_over_capacity_and_sees_the_impact_of_draining_a_pool()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync("/compute");
        await page.WaitForInteractiveAsync();
        await OpenTabAsync(page, "Mapping matrix", "映射矩阵");
        await page.GetByTestId("matrix").WaitForAsync();

        // edge-bj: 3,200 tokens/s, 1,600 + 1,280 allocated to Qwen-Turbo and Doubao: 320 free.
        await page.GetByTestId("cell-yi-lightning-edge-bj").ClickAsync();
        await page.GetByTestId("cell-editor").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("cell-free")).ToContainTextAsync("320 of 3,200");
        await TypeAsync(page, "cell-allocated", "1000");
        await page.GetByTestId("cell-save").ClickAsync();
        var refusal = page.GetByTestId("cell-editor").GetByText("Over the pool's capacity: only 320 tokens/s are free on this pool.");
        await Assertions.Expect(refusal).ToBeVisibleAsync();
        await page.ScreenshotAsync("compute-cell-over-capacity");

        await TypeAsync(page, "cell-allocated", "300");
        await Assertions.Expect(refusal).ToHaveCountAsync(0);
        await page.GetByTestId("cell-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("cell-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("cell-yi-lightning-edge-bj")).ToContainTextAsync("300 tokens/s");
        await Assertions.Expect(page.GetByTestId("matrix-pool-edge-bj")).ToContainTextAsync("3.18K / 3.2K");
        // A full-page shot of a scrolled page draws the fixed app bar where the view was: take it from the top.
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync("compute-matrix");

        // gs-qingyang is Moonshot's only primary (its other deployment is a failover in Anhui).
        await OpenTabAsync(page, "Compute pools", "算力池");
        await OpenDrainDialogAsync(page, "gs-qingyang");
        await Assertions.Expect(page.GetByTestId("impact-no-primary")).ToContainTextAsync("Moonshot-v1-32k (Kimi)");
        await Assertions.Expect(page.GetByTestId("impact-takeovers")).ToContainTextAsync("ah-wuhu");
        await Assertions.Expect(page.GetByTestId("impact-share")).ToContainTextAsync("In the last 24 hours this pool served");
        await Assertions.Expect(page.GetByTestId("status-confirm")).ToBeDisabledAsync();
        await page.ScreenshotAsync("compute-drain-impact");
        await page.GetByTestId("status-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pools-table")).ToContainTextAsync("gs-qingyang");

        // edge-sz into maintenance (Qwen-Turbo keeps its primary on edge-bj): the row and the bell say so at once, without
        // switching tabs, and a message confirms it.
        await SetStatusAsync(page, "edge-sz", "Maintenance|维护中");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Shenzhen Edge Node is now in maintenance.");
        await Assertions.Expect(PoolRow(page, "edge-sz")).ToContainTextAsync("Maintenance");
        // Names, not codes: the pool's province as a person reads it.
        await Assertions.Expect(PoolRow(page, "edge-sz").Locator("td[data-label='Region']")).ToHaveTextAsync("Guangdong");
        await page.Locator("[data-testid='alert-bell'] button").First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open [data-testid='alert-item']").Filter(new() { HasText = "Shenzhen Edge Node is in maintenance" }))
            .ToContainTextAsync("tokens/s of deployments on it");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync("compute-pool-maintenance-bell");
        await page.Keyboard.PressAsync("Escape");

        var zh = await server.NewPageAsync(locale: "zh-CN");
        await zh.SignInAsync("ops", server.DemoPassword);
        await zh.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fcompute");
        await zh.WaitForInteractiveAsync();
        await OpenDrainDialogAsync(zh, "gs-qingyang");
        await Assertions.Expect(zh.GetByTestId("impact-takeovers")).ToContainTextAsync("余量");
        await zh.ScreenshotAsync("compute-drain-impact-zh");
        await zh.GetByTestId("status-cancel").ClickAsync();
        await Assertions.Expect(PoolRow(zh, "edge-sz")).ToContainTextAsync("维护");
        await Assertions.Expect(PoolRow(zh, "edge-sz").Locator("td[data-label='地区']")).ToHaveTextAsync("广东");
        await zh.Locator("[data-testid='alert-bell'] button").First.ClickAsync();
        await Assertions.Expect(zh.Locator(".mud-popover-open [data-testid='alert-item']").Filter(new() { HasText = "深圳边缘节点正在维护" })).ToHaveCountAsync(1);
        await zh.ScreenshotAsync("compute-pool-maintenance-bell-zh");
        await zh.Keyboard.PressAsync("Escape");
        // Back online, as the other tests expect it.
        await SetStatusAsync(zh, "edge-sz", "Online|在线");
        await Assertions.Expect(zh.Locator(".mud-snackbar")).ToContainTextAsync("深圳边缘节点");
        await Assertions.Expect(PoolRow(zh, "edge-sz")).ToContainTextAsync("在线");
        await OpenTabAsync(zh, "Mapping matrix", "映射矩阵");
        await zh.GetByTestId("matrix").WaitForAsync();
        await zh.ScreenshotAsync("compute-matrix-zh");

        var narrow = await server.NewPageAsync(width: 400, height: 860);
        await narrow.SignInAsync("ops", server.DemoPassword);
        await narrow.GotoAsync("/compute");
        await narrow.WaitForInteractiveAsync();
        await OpenTabAsync(narrow, "Mapping matrix", "映射矩阵");
        await narrow.GetByTestId("matrix").WaitForAsync();
        // The matrix scrolls inside its own box: the page itself does not get wider than the window.
        Assert.True(await narrow.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"));
        await narrow.GetByTestId("matrix").EvaluateAsync("e => e.scrollLeft = 400");
        await narrow.ScreenshotAsync("compute-matrix-narrow");
    }

    [Fact]
    public async Task The_pool_editor_shows_the_error_next_to_the_capacity_field_and_will_not_save_it()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync("/compute");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("edit-pool-edge-hz").ClickAsync();
        var dialog = page.GetByTestId("pool-dialog");
        await dialog.WaitForAsync();

        // edge-hz: 2,400 tokens/s, 1,440 allocated to Qwen-Turbo.
        await TypeAsync(page, "pool-capacity", "1000");
        var capacityField = page.Locator(".mud-input-control").Filter(new LocatorFilterOptions { Has = page.Locator("[data-testid='pool-capacity'], input[data-testid='pool-capacity']") });
        await Assertions.Expect(capacityField.Locator(".mud-input-helper-text")).ToContainTextAsync("cannot be lower than what is allocated on the pool (1,440 tokens/s)");
        await Assertions.Expect(page.GetByTestId("pool-save")).ToBeDisabledAsync();
        await page.ScreenshotAsync("compute-pool-capacity-error");

        // A text field too: the English name is required.
        await TypeAsync(page, "pool-name", "");
        var nameField = page.Locator(".mud-input-control").Filter(new LocatorFilterOptions { Has = page.Locator("input[data-testid='pool-name']") });
        await Assertions.Expect(nameField.Locator(".mud-input-helper-text")).ToContainTextAsync("Required");

        await TypeAsync(page, "pool-name", "Hangzhou Edge Node");
        await TypeAsync(page, "pool-capacity", "2000");
        await Assertions.Expect(capacityField.Locator(".mud-input-helper-text")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("pool-save")).ToBeEnabledAsync();
        await page.Context.CloseAsync();
    }
}
