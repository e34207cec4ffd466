using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using TokenConsole.Data;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Catalog;

public sealed partial class PackageDesignerPage
{
    private PackageForm? _form;
    private PackageStatus _status = PackageStatus.Draft;
    private IReadOnlyDictionary<int, ModelInfo> _models = new Dictionary<int, ModelInfo>();
    private IReadOnlyDictionary<string, Industry> _industries = new Dictionary<string, Industry>();
    private IReadOnlyList<LadderRung> _ladder = [];
    private (CustomerSegment, PackageKind)? _ladderFor;
    private PackageDesignerForm? _designer;
    private PackageErrors? _serverErrors;
    private string? _message;
    private bool _messageIsError;
    private bool _conflict;
    private bool _busy;
    private bool _notFound;

    [Parameter] public int? Id { get; set; }
    [Inject] private CatalogService Catalog { get; set; } = default!;
    [Inject] private PackageLifecycleService Lifecycle { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private string Title => _form is null || _form.PackageId is null ? L["New package"] : L["Design {0}", _form.Code];

    protected override async Task OnParametersSetAsync()
    {
        _models = await Catalog.ModelsAsync();
        _industries = await Catalog.IndustriesAsync();
        await LoadFormAsync();
    }

    private async Task LoadFormAsync()
    {
        if (Id is { } id)
        {
            var editor = await Catalog.EditorAsync(id);
            _notFound = editor is null;
            (_form, _status) = editor ?? (null!, PackageStatus.Draft);
        }
        else
        {
            _form = new PackageForm();
            _status = PackageStatus.Draft;
        }
        await LoadLadderAsync();
    }

    private async Task LoadLadderAsync()
    {
        if (_form is not null && _ladderFor != (_form.Segment, _form.Kind))
        {
            _ladderFor = (_form.Segment, _form.Kind);
            _ladder = await Catalog.LadderAsync(_form.Segment, _form.Kind);
        }
    }

    private Task<bool> IsCodeTakenAsync(string code) => Catalog.IsCodeTakenAsync(code, _form?.PackageId);

    private async Task ChangedAsync()
    {
        _serverErrors = null;
        if (!_conflict)
        {
            _message = null;
        }
        await LoadLadderAsync();
    }

    private async Task ReloadAsync()
    {
        _conflict = false;
        _message = null;
        _serverErrors = null;
        await LoadFormAsync();
    }

    private Task SaveAsync() => SaveThenAsync(submit: false);

    private Task SubmitAsync() => SaveThenAsync(submit: true);

    private async Task SaveThenAsync(bool submit)
    {
        if (_form is null || _busy)
        {
            return;
        }
        _busy = true;
        // From the first attempt to save on, every field says what is wrong with it, touched or not.
        _designer?.RevealAll();
        try
        {
            var user = (await AuthState).User;
            var saved = await Lifecycle.SaveDraftAsync(user, _form);
            if (!Show(saved))
            {
                return;
            }
            var wasNew = Id != saved.Value!.PackageId;
            if (submit)
            {
                var editor = await Catalog.EditorAsync(saved.Value!.PackageId);
                var submitted = await Lifecycle.SubmitAsync(user, saved.Value!.VersionId, editor!.Value.Form.VersionToken);
                if (!Show(submitted))
                {
                    return;
                }
                Navigation.NavigateTo($"/packages/{saved.Value!.PackageId}");
                return;
            }
            _message = L["Draft saved."];
            _messageIsError = false;
            if (wasNew)
            {
                Navigation.NavigateTo($"/packages/{saved.Value!.PackageId}/edit");
            }
            else
            {
                var editor = await Catalog.EditorAsync(saved.Value!.PackageId);
                (_form, _status) = editor!.Value;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Shows a refused action's message (and the fields' messages); true when it succeeded.</summary>
    private bool Show(WriteResult<PackageRef> outcome)
    {
        if (outcome.Succeeded)
        {
            return true;
        }
        _conflict = outcome.Conflict;
        // The catalog validates a whole form at once: its refusal carries the messages of every field.
        _serverErrors = outcome.Refusal!.Fields as PackageErrors;
        _message = L[outcome.Refusal.Code, outcome.Refusal.Args];
        _messageIsError = true;
        return false;
    }
}
