using System.Net;
using System.Net.Sockets;
using System.Text;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>Content killed in the middle of an upload. Runs alone: it stops the suite's Content service.</summary>
[CollectionDefinition(nameof(ContentRestartGroup), DisableParallelization = true)]
public sealed class ContentRestartGroup;

[Collection(nameof(ContentRestartGroup))]
public sealed class UploadCrashTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    [Fact]
    public async Task Killing_Content_mid_upload_loses_no_committed_version_and_the_sweeper_leaves_no_orphan_bytes()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var (v1, v2) = (DocumentsClient.Pdf("committed one"), DocumentsClient.Pdf("committed two"));
        var created = await _content.CreateAsync(admin, v1);
        var id = created.GetProperty("id").GetGuid();
        using (var second = await _content.UploadMultipartAsync(admin.Token, v2, path: $"/api/documents/{id}/versions"))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        // A third version is on its way (more than one 4 MiB block already written) when the process dies.
        var upload = DocumentsClient.Random(7 * 1024 * 1024);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_content.Http.BaseAddress!.Host, _content.Http.BaseAddress.Port, Ct);
        var head = $"POST /api/documents/{id}/versions HTTP/1.1\r\nHost: {_content.Host}\r\nAuthorization: Bearer {admin.Token}\r\n"
            + $"Content-Type: application/pdf\r\nContent-Length: {upload.Length}\r\n\r\n";
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
        await tcp.GetStream().WriteAsync(upload.AsMemory(0, 5 * 1024 * 1024), Ct);
        await DocumentsClient.EventuallyAsync(async () => await _content.BlobCountAsync(admin.OrganizationId) == 3,
            "the upload in flight has staged bytes beside the two committed objects");
        Assert.Equal(1, await _content.ScalarAsync<long>("SELECT count(*) FROM stored_objects WHERE organization_id = @org AND state = 'Staging'", ("org", admin.OrganizationId)));

        await KillAndRestartContentAsync();

        // The committed versions are all there, byte for byte; the interrupted one never became a version.
        Assert.Equal(v2, await _content.DownloadAsync($"/api/documents/{id}/content", admin.Token));
        Assert.Equal(v1, await _content.DownloadAsync($"/api/documents/{id}/versions/1/content", admin.Token));
        using (var versions = await _content.GetAsync($"/api/documents/{id}/versions", admin.Token))
        {
            Assert.Equal(2, (await ServiceCaller.JsonAsync(versions)).GetArrayLength());
        }
        // Once the upload has been silent for the abandonment period, its row and its staged bytes are gone.
        await DocumentsClient.EventuallyAsync(async () => await _content.StoredObjectCountAsync(admin.OrganizationId) == 2 && await _content.BlobCountAsync(admin.OrganizationId) == 2,
            "the abandoned upload's row and staged blocks are swept");
    }

    private async Task KillAndRestartContentAsync()
    {
        var running = await stack.App.ResourceNotifications.WaitForResourceAsync("content", e => e.Snapshot.State?.Text == KnownResourceStates.Running, Ct);
        var pid = Convert.ToInt32(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
        using (var process = System.Diagnostics.Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
        }
        await stack.App.ResourceNotifications.WaitForResourceAsync("content", KnownResourceStates.TerminalStates, Ct);
        var content = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "content");
        var started = await stack.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(content, KnownResourceCommands.StartCommand, Ct);
        Assert.True(started.Success, started.Message);
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("content", Ct);
    }
}
