using MedicalHub.AppHost;
using MedicalHub.AppHost.LocalInfrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres and Redis run as containers when a container runtime answers, else as local processes;
// publish mode always describes containers. Nothing to run them with: one message, no stack trace.
InfrastructureSettings infrastructure;
try
{
    infrastructure = InfrastructureSettings.Resolve(builder);
}
catch (DistributedApplicationException unavailable)
{
    Console.Error.WriteLine(unavailable.Message);
    return 1;
}

// A development mailbox (smtp4dev): every e-mail the platform sends in run mode lands there.
var mail = builder.AddMailSink(infrastructure);

// Each service with its own Postgres (server + database) and its own Redis, which it waits for.
// Each is also a client of Identity (client credentials) for its calls to the others.
var identity = builder.AddService<Projects.MedicalHub_Identity_Api>(infrastructure, "identity", postgresPort: 5433, redisPort: 6380)
    ?.WithTokenServer();
identity.WithServiceClient(identity);
var content = builder.AddService<Projects.MedicalHub_Content_Api>(infrastructure, "content", postgresPort: 5434, redisPort: 6381)
    .WithServiceClient(identity);
var communication = builder.AddService<Projects.MedicalHub_Communication_Api>(infrastructure, "communication", postgresPort: 5435, redisPort: 6382)
    ?.WithMailSink(mail).WithServiceClient(identity)
    ?.WithNotificationSettings()
    // The providers a deployment declares (MedicalHub:Communication:Providers), their secrets as secret parameters.
    .WithDeliveryProviders();
// Identity's outbox relay sends its e-mails through Communication (found by discovery, never waited for).
identity.WithAccountEmails(communication);
// Workflow's pathways notify through Communication and call Content and Communication (found by discovery, never waited
// for); MedicalHub:Workflow:Replicas (run mode) starts more engines on the same database.
var workflow = builder.AddService<Projects.MedicalHub_Workflow_Api>(infrastructure, "workflow", postgresPort: 5436, redisPort: 6383)
    .WithServiceClient(identity)
    .WithPathwayTargets(content, communication);
builder.AddWorkflowReplicas<Projects.MedicalHub_Workflow_Api>(workflow, identity, content, communication);

// The public entry in front of them, with its own Redis; tokens name its URL as issuer.
builder.AddGateway(infrastructure);

await builder.Build().RunAsync();
return 0;
