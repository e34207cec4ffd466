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
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        _names = await Pricing.LookupsAsync();
        var user = (await AuthenticationState).User;
        // Executives land on their approvals inbox.
        _inbox = (await Authorization.AuthorizeAsync(user, Policies.ApprovePriceChanges)).Succeeded;
        await LoadAsync();
    }

    private async Task LoadAsync() => _changes = await Pricing.PriceChangesAsync();

    /// <summary>Submitting a draft is the one action of the list; decisions are taken on the review page, with their words.</summary>
    private async Task ActAsync((string Action, PriceChange Change) request)
    {
        _error = null;
        if (request.Action != "submit")
        {
            return;
        }
        var result = await Changes.SubmitAsync((await AuthenticationState).User, request.Change.Id, request.Change.Version);
        if (result.Refusal is { } refusal)
        {
            _error = refusal.Conflict ? L["Someone else changed this price change meanwhile; the list is reloaded."] : L[refusal.Code, refusal.Args];
        }
        await LoadAsync();
    }
}
