extension OpenAPIDocument {
    static let feedPaths = """
        paths:
          /healthz:
            get:
              summary: The process runs
              security: []
              responses:
                '200': {description: 'Running'}
          /readyz:
            get:
              summary: The database is usable and the server is not shutting down
              security: []
              responses:
                '200': {description: 'Ready'}
                '503': {description: 'Starting, database failing, or shutting down'}
          /metrics:
            get:
              summary: Prometheus text (requests, latencies, open polls, messages, engagement, bulk rows, transactions)
              description: >-
                `tidings_open_polls` counts the long polls that have read their feed and wait
                for a change, from their first wait until they are answered; a poll still reading
                its first answer is not counted, so a client that waits for N knows all N wait.
              security: []
              responses:
                '200': {description: 'Prometheus text exposition', content: {text/plain: {schema: {type: string}}}}
          /openapi.yaml:
            get:
              summary: This document
              security: []
              responses:
                '200': {description: 'OpenAPI 3.1 YAML', content: {application/yaml: {schema: {type: string}}}}
          /v1/channels/{channel_id}/messages:
            post:
              summary: Create one message per recipient, atomically (secret key only)
              parameters:
                - $ref: '#/components/parameters/ChannelID'
                - name: Idempotency-Key
                  in: header
                  description: 1-255 visible ASCII characters; scoped to the API key; kept 24 hours.
                  schema: {type: string, minLength: 1, maxLength: 255}
              requestBody:
                required: true
                content:
                  application/json: {schema: {$ref: '#/components/schemas/CreateMessagesRequest'}}
              responses:
                '201':
                  description: Created, in the order of recipients
                  content: {application/json: {schema: {$ref: '#/components/schemas/CreateMessagesResponse'}}}
                '200':
                  description: Replay of an earlier identical request (header Idempotent-Replayed true)
                  headers: {Idempotent-Replayed: {schema: {type: string, enum: ['true']}}}
                  content: {application/json: {schema: {$ref: '#/components/schemas/CreateMessagesResponse'}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Error'}
                '409': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '415': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
          /v1/users/{user_id}/feeds/{channel_id}:
            get:
              summary: A page of a feed, newest first; marks the returned entries seen unless mark_seen=false
              parameters:
                - $ref: '#/components/parameters/UserID'
                - $ref: '#/components/parameters/ChannelID'
                - {name: page_size, in: query, schema: {type: integer, minimum: 1, maximum: 50, default: 50}}
                - {name: after, in: query, description: 'Cursor; the next older page', schema: {type: string}}
                - {name: before, in: query, description: 'Cursor; the newer items closest to it', schema: {type: string}}
                - {name: status, in: query, schema: {type: string, enum: [all, unread, read, unseen, seen], default: all}}
                - {name: archived, in: query, schema: {type: string, enum: [exclude, include, only], default: exclude}}
                - {name: source, in: query, schema: {type: string}}
                - {name: tenant, in: query, description: 'That tenant''s items plus untenanted ones', schema: {type: string}}
                - {name: has_tenant, in: query, schema: {type: boolean}}
                - {name: mark_seen, in: query, schema: {type: boolean, default: true}}
              responses:
                '200':
                  description: The page
                  content: {application/json: {schema: {$ref: '#/components/schemas/FeedPage'}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Error'}
          /v1/users/{user_id}/feeds/{channel_id}/updates:
            get:
              summary: Long poll for the feed's update stream
              parameters:
                - $ref: '#/components/parameters/UserID'
                - $ref: '#/components/parameters/ChannelID'
                - {name: since, in: query, description: 'Cursor from a previous answer or a feed''s updates_cursor', schema: {type: string}}
                - {name: timeout, in: query, description: 'Seconds to wait; above 60 is 60; 0 does not wait', schema: {type: number, minimum: 0, default: 25}}
                - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 100}}
              responses:
                '200':
                  description: Events after since (or none on timeout/shutdown), the cursor to resume from, and counts
                  content: {application/json: {schema: {$ref: '#/components/schemas/UpdatesResponse'}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Error'}
                '410':
                  $ref: '#/components/responses/Error'
                  description: >-
                    cursor_expired: entries after since were pruned. Every minute, a feed's stream loses
                    entries older than --updates-retention-hours (default 72) and those beyond its newest
                    --updates-max-per-feed (default 10000). By age, an entry goes only once every entry
                    committed before it is that old too
                '429': {$ref: '#/components/responses/RetryLater'}
                '503': {$ref: '#/components/responses/RetryLater'}

        """
}
