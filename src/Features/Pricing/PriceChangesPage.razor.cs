using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using TokenConsole.Auth;

namespace TokenConsole.Features.Pricing;

public partial class PriceChangesPage
{
    [Inject] private PricingService Pricing { get; set; } = default!;
    [Inject] private PriceChangeService Changes { get; set; } = default!;
    [Inject] private Microsoft.AspNetCore.Authorization.IAuthorizationService Authorization { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<PriceChange>? _changes;
    private PricingLookups? _names;
    private bool _inbox;
    private string? _error, _reason;
    private (string Action, PriceChange Change)? _confirm;

    protected override async Task OnInitializedAsync()
    {
        _names = await Pricing.LookupsAsync();
        var user = (await AuthenticationState).User;
        // Executives land on their approvals inbox.
        _inbox = (await Authorization.AuthorizeAsync(user, Policies.ApprovePriceChanges)).Succeeded;
        await LoadAsync();
    }

    private async Task LoadAsync() => _changes = await Pricing.PriceChangesAsync();

    private async Task ActAsync((string Action, PriceChange Change) request)
    {
        _error = null;
        if (request.Action is "rollback" or "reject")
        {
            _reason = "";
            _confirm = request;
            return;
        }
        await RunAsync(request.Action, request.Change);
    }

    private async Task ConfirmAsync()
    {
        if (_confirm is { } c)
        {
            _confirm = null;
            await RunAsync(c.Action, c.Change);
        }
    }

    private async Task RunAsync(string action, PriceChange change)
    {
        var user = (await AuthenticationState).User;
        var result = action switch
        {
            "approve" => await Changes.ApproveAsync(user, change.Id, change.Version),
            "reject" => await Changes.RejectAsync(user, change.Id, change.Version, _reason ?? ""),
            "submit" => await Changes.SubmitAsync(user, change.Id, change.Version),
            "rollback" => await Changes.RollbackAsync(user, change.Id, change.Version),
            _ => change,
        };
        if (result.Refusal is { } refusal)
        {
            _error = refusal.Conflict ? L["Someone else changed this price change meanwhile; the list is reloaded."] : L[refusal.Code, refusal.Args];
        }
        await LoadAsync();
    }
}
