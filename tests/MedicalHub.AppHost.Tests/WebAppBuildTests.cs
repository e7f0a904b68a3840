namespace MedicalHub.AppHost.Tests;

/// <summary>When the AppHost rebuilds the web app, and when it runs npm ci first.</summary>
public sealed class WebAppBuildTests
{
    private static readonly DateTime Then = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Without_a_build_the_app_is_built()
    {
        using var app = new TemporaryDirectory();
        app.CreateFile("src/main.tsx", "");

        Assert.True(WebAppBuild.NeedsBuild(app.Path));
    }

    [Theory]
    [InlineData("src/features/account/routes/profile-page.tsx")]
    [InlineData("public/favicon.svg")]
    [InlineData("index.html")]
    [InlineData("package-lock.json")]
    [InlineData("vite.config.ts")]
    public void A_source_newer_than_the_build_makes_it_stale(string source)
    {
        using var app = new TemporaryDirectory();
        File.SetLastWriteTimeUtc(app.CreateFile("src/main.tsx", ""), Then);
        File.SetLastWriteTimeUtc(app.CreateFile("dist/index.html", ""), Then.AddMinutes(1));
        Assert.False(WebAppBuild.NeedsBuild(app.Path));

        File.SetLastWriteTimeUtc(app.CreateFile(source, ""), Then.AddMinutes(2));

        Assert.True(WebAppBuild.NeedsBuild(app.Path));
    }

    [Fact]
    public void Files_the_build_does_not_read_do_not_make_it_stale()
    {
        using var app = new TemporaryDirectory();
        File.SetLastWriteTimeUtc(app.CreateFile("src/main.tsx", ""), Then);
        File.SetLastWriteTimeUtc(app.CreateFile("dist/index.html", ""), Then.AddMinutes(1));
        File.SetLastWriteTimeUtc(app.CreateFile("node_modules/react/index.js", ""), Then.AddMinutes(2));
        File.SetLastWriteTimeUtc(app.CreateFile("openapi/identity.json", ""), Then.AddMinutes(2));
        File.SetLastWriteTimeUtc(app.CreateFile("src/features/registration/routes/register-page.test.tsx", ""), Then.AddMinutes(2));

        Assert.False(WebAppBuild.NeedsBuild(app.Path));
    }

    [Fact]
    public void Dependencies_are_installed_when_missing_or_older_than_the_lockfile()
    {
        using var app = new TemporaryDirectory();
        File.SetLastWriteTimeUtc(app.CreateFile("package-lock.json", "{}"), Then);
        Assert.True(WebAppBuild.NeedsInstall(app.Path));

        var installed = app.CreateFile("node_modules/.package-lock.json", "{}");
        File.SetLastWriteTimeUtc(installed, Then.AddMinutes(1));
        Assert.False(WebAppBuild.NeedsInstall(app.Path));

        File.SetLastWriteTimeUtc(installed, Then.AddMinutes(-1));
        Assert.True(WebAppBuild.NeedsInstall(app.Path));
    }
}
