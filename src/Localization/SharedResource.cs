namespace TokenConsole.Localization;

/// <summary>Marker type of the one resource file (SharedResource.resx, SharedResource.zh-CN.resx) that holds every UI string.</summary>
public sealed class SharedResource;
