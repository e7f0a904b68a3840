using MedicalHub.AppHost.LocalInfrastructure;

namespace MedicalHub.AppHost.Tests;

public sealed class LocalBinaryLocatorTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void FakePostgres(string binDirectory)
    {
        _dir.CreateFile(Path.Combine(binDirectory, "postgres"));
        _dir.CreateFile(Path.Combine(binDirectory, "initdb"));
    }

    [Fact]
    public void Pg_config_wins_when_it_points_at_a_server()
    {
        FakePostgres("pgconfig/bin");
        FakePostgres("lib/postgresql/17/bin");
        var locator = new LocalBinaryLocator("", [_dir.Combine("lib", "postgresql")], () => _dir.Combine("pgconfig", "bin"));

        Assert.Equal(_dir.Combine("pgconfig", "bin"), locator.FindPostgresBinDirectory(configured: null));
    }

    [Fact]
    public void The_newest_versioned_install_is_chosen_numerically()
    {
        FakePostgres("lib/postgresql/9.6/bin");
        FakePostgres("lib/postgresql/15/bin");
        FakePostgres("lib/postgresql/17/bin");
        var locator = new LocalBinaryLocator("", [_dir.Combine("lib", "postgresql")], () => null);

        Assert.Equal(_dir.Combine("lib", "postgresql", "17", "bin"), locator.FindPostgresBinDirectory(configured: null));
    }

    [Fact]
    public void Red_Hat_style_versioned_folders_are_found()
    {
        FakePostgres("pgsql-14/bin");
        FakePostgres("pgsql-16/bin");
        var locator = new LocalBinaryLocator("", [_dir.Combine("pgsql-*")], () => null);

        Assert.Equal(_dir.Combine("pgsql-16", "bin"), locator.FindPostgresBinDirectory(configured: null));
    }

    [Fact]
    public void A_folder_with_postgres_but_no_initdb_is_skipped()
    {
        _dir.CreateFile("lib/postgresql/17/bin/postgres");
        FakePostgres("lib/postgresql/16/bin");
        var locator = new LocalBinaryLocator("", [_dir.Combine("lib", "postgresql")], () => _dir.Combine("lib", "postgresql", "17", "bin"));

        Assert.Equal(_dir.Combine("lib", "postgresql", "16", "bin"), locator.FindPostgresBinDirectory(configured: null));
    }

    [Fact]
    public void Path_is_the_last_resort_for_postgres()
    {
        FakePostgres("usr/local/bin");
        var locator = new LocalBinaryLocator(_dir.Combine("nothing-here") + Path.PathSeparator + _dir.Combine("usr", "local", "bin"), [], () => null);

        Assert.Equal(_dir.Combine("usr", "local", "bin"), locator.FindPostgresBinDirectory(configured: null));
    }

    [Fact]
    public void A_configured_folder_is_used_as_is_or_reported_missing()
    {
        FakePostgres("custom/bin");
        FakePostgres("lib/postgresql/17/bin");
        var locator = new LocalBinaryLocator("", [_dir.Combine("lib", "postgresql")], () => null);

        Assert.Equal(_dir.Combine("custom", "bin"), locator.FindPostgresBinDirectory(_dir.Combine("custom", "bin")));
        Assert.Null(locator.FindPostgresBinDirectory(_dir.Combine("missing", "bin")));
    }

    [Fact]
    public void Nothing_installed_finds_nothing()
    {
        var locator = new LocalBinaryLocator(_dir.Combine("empty"), [_dir.Combine("lib", "postgresql")], () => null);

        Assert.Null(locator.FindPostgresBinDirectory(configured: null));
    }

    [Fact]
    public void Redis_server_is_found_on_path_in_order()
    {
        var first = _dir.CreateFile("a/redis-server");
        _dir.CreateFile("b/redis-server");
        var locator = new LocalBinaryLocator(_dir.Combine("a") + Path.PathSeparator + _dir.Combine("b"), [], () => null);

        Assert.Equal(first, locator.FindRedisServer(configured: null));
    }

    [Fact]
    public void A_configured_redis_server_must_exist()
    {
        var configured = _dir.CreateFile("opt/redis/redis-server");
        var locator = new LocalBinaryLocator("", [], () => null);

        Assert.Equal(configured, locator.FindRedisServer(configured));
        Assert.Null(locator.FindRedisServer(_dir.Combine("opt", "none", "redis-server")));
    }
}
