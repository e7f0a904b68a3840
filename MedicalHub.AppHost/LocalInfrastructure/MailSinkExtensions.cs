namespace MedicalHub.AppHost.LocalInfrastructure;

public static class MailSinkExtensions
{
    public const string ResourceName = "mail";

    /// <summary>
    /// smtp4dev, a real SMTP server that keeps every message for the developer (web UI and HTTP API), so
    /// the platform's e-mail can be read in development and checked in tests. Run mode only: a deployment
    /// sends through a real provider, so the sink never reaches the manifest. In run mode SMTP is on 1025
    /// and the UI/API on 8025 (unless <c>MedicalHub:FixedPorts</c> is off). As a container when containers
    /// are used, otherwise as the repository's local dotnet tool.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints>? AddMailSink(this IDistributedApplicationBuilder builder, InfrastructureSettings settings)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return null;
        }

        int? httpPort = settings.FixedPorts ? 8025 : null;
        int? smtpPort = settings.FixedPorts ? 1025 : null;

        if (settings.Mode == InfrastructureMode.Containers)
        {
            return builder.AddContainer(ResourceName, "rnwood/smtp4dev", "3.15.0")
                .WithHttpEndpoint(port: httpPort, targetPort: 80, name: "http")
                .WithEndpoint(port: smtpPort, targetPort: 25, name: "smtp", scheme: "smtp")
                .WithEnvironment("ServerOptions__Database", "")
                .WithHttpHealthCheck("/api/messages")
                .ExcludeFromManifest();
        }

        var sink = builder.AddExecutable(ResourceName, "dotnet", settings.RepositoryDirectory)
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: "http", isProxied: false)
            .WithEndpoint(port: smtpPort, targetPort: smtpPort, name: "smtp", scheme: "smtp", isProxied: false);
        var http = sink.GetEndpoint("http");
        var smtp = sink.GetEndpoint("smtp");
        return sink
            .WithArgs(context =>
            {
                context.Args.Add("smtp4dev");
                context.Args.Add(ReferenceExpression.Create($"--urls=http://localhost:{http.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add(ReferenceExpression.Create($"--smtpport={smtp.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add("--hostname=localhost");
                context.Args.Add("--db=");          // messages in memory: a development mailbox
                context.Args.Add("--imapport=");    // only SMTP and the HTTP API: no fixed IMAP/POP3 ports to collide on
                context.Args.Add("--pop3port=");
            })
            .WithIconName("Mail")
            .WithHttpHealthCheck("/api/messages")
            .ExcludeFromManifest();
    }

    /// <summary>Gives a service the sink's SMTP address as <c>ConnectionStrings__mail</c> (<c>smtp://host:port</c>) and waits for it.</summary>
    public static IResourceBuilder<ProjectResource> WithMailSink(this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResourceWithEndpoints>? sink)
    {
        if (sink is null)
        {
            return project;
        }
        var smtp = sink.GetEndpoint("smtp");
        return project
            .WithEnvironment("ConnectionStrings__mail", ReferenceExpression.Create($"smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)}"))
            .WaitFor(sink);
    }
}
