import ArgumentParser
import TidingsAPI
import TidingsClient

// The wire enums are parsed straight from the command line, so the values the CLI accepts
// are exactly those the API defines.
extension EngagementAction: ExpressibleByArgument {}
extension FeedOptions.Status: ExpressibleByArgument {}
extension FeedOptions.Archived: ExpressibleByArgument {}
