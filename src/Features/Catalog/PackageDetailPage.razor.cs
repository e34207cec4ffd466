using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TokenConsole.Data;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Catalog;

public sealed partial class PackageDetailPage
{
    private PackageDetail? _detail;
    private IReadOnlyDictionary<string, Industry> _industries = new Dictionary<string, Industry>();
    private (PackageTerms A, PackageTerms B)? _comparison;
    private readonly List<int> _selected = [];
    private IReadOnlyList<string> _warnings = [];
    private string? _message;
    private bool _error;
    private bool _conflict;
    private bool _busy;
    private bool _loaded;

    [Parameter] public int Id { get; set; }
    [Inject] private CatalogService Catalog { get; set; } = default!;
    [Inject] private PackageLifecycleService Lifecycle { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        _selected.Clear();
        _comparison = null;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _detail = await Catalog.DetailAsync(Id);
        if (_industries.Count == 0)
        {
            _industries = await Catalog.IndustriesAsync();
        }
        _loaded = true;
        _conflict = false;
        // By default, compare the two newest versions when there are two.
        if (_selected.Count == 0 && _detail?.Versions.Count >= 2)
        {
            _selected.AddRange([_detail.Versions[1].Id, _detail.Versions[0].Id]);
        }
        await CompareAsync();
    }

    private async Task ToggleAsync(int versionId, bool on)
    {
        _selected.Remove(versionId);
        if (on)
        {
            _selected.Add(versionId);
            if (_selected.Count > 2)
            {
                _selected.RemoveAt(0);
            }
        }
        await CompareAsync();
    }

    private async Task CompareAsync()
    {
        _comparison = null;
        if (_selected.Count == 2 && _detail is not null)
        {
            var ordered = _selected.OrderBy(id => _detail.Versions.First(v => v.Id == id).Number).ToList();
            _comparison = await Catalog.CompareAsync(Id, ordered[0], ordered[1]);
        }
    }

    private void Edit() => Navigation.NavigateTo($"/packages/{Id}/edit");

    private Task SubmitAsync(VersionSummary version) =>
        RunAsync(async user => await Lifecycle.SubmitAsync(user, version.Id, version.Token), L["v{0} is in review.", version.Number]);

    private Task ReturnAsync(VersionSummary version) =>
        RunAsync(async user => await Lifecycle.ReturnToDraftAsync(user, version.Id, version.Token), L["v{0} is back in draft.", version.Number]);

    private async Task ActivateAsync(VersionSummary version)
    {
        var warnings = await Lifecycle.ActivationWarningsAsync(version.Id);
        var parameters = new DialogParameters<PackageActivateDialog>
        {
            { d => d.Code, _detail!.Code }, { d => d.Number, version.Number }, { d => d.Now, Clock.GetUtcNow() }, { d => d.Warnings, warnings },
            { d => d.ViewHref, $"/packages/{Id}/versions/{version.Id}" }, { d => d.Subscribers, _detail.Subscribers },
            { d => d.TokensPerMinute, version.TokensPerMinuteLimit },
        };
        var dialog = await Dialogs.ShowAsync<PackageActivateDialog>(L["Activate"], parameters);
        var result = await dialog.Result;
        if (result is null || result.Canceled)
        {
            return;
        }
        var at = result.Data as DateTimeOffset?;
        await RunAsync(async user => await Lifecycle.ActivateAsync(user, version.Id, version.Token, at),
            at is { } when ? L["v{0} is scheduled for {1}.", version.Number, CatalogFormat.When(when)] : L["v{0} is on sale.", version.Number]);
    }

    private async Task RetireAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(L["Retire {0}?", _detail!.Code],
            L["No new subscriptions will be taken from now on. The {0} existing subscriptions run on unchanged until they end.", _detail.Subscribers],
            yesText: L["Retire"], cancelText: L["Cancel"]);
        if (confirmed == true)
        {
            await RunAsync(async user => await Lifecycle.RetireAsync(user, Id, _detail.Token), L["{0} is retired.", _detail.Code]);
        }
    }

    private async Task CloneAsync()
    {
        var outcome = await Lifecycle.CloneAsync((await AuthState).User, Id);
        if (outcome.Succeeded)
        {
            Navigation.NavigateTo($"/packages/{outcome.Value!.PackageId}/edit");
        }
        else
        {
            Show(outcome, "");
        }
    }

    private async Task RunAsync(Func<System.Security.Claims.ClaimsPrincipal, Task<WriteResult<PackageRef>>> action, string success)
    {
        _busy = true;
        try
        {
            var outcome = await action((await AuthState).User);
            var conflict = outcome.Conflict;
            await LoadAsync();
            Show(outcome, success);
            _conflict = conflict;
        }
        finally
        {
            _busy = false;
        }
    }

    private void Show(WriteResult<PackageRef> outcome, string success)
    {
        _error = !outcome.Succeeded;
        _message = outcome.Succeeded ? success : L[outcome.Refusal!.Code, outcome.Refusal.Args];
        _warnings = outcome.Warnings;
    }
}
