extension OpenAPIDocument {
    static let messagePaths = """
          /v1/messages/{id}:
            get:
              summary: One message (its recipient's token or a secret key)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'The feed item', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/messages/{id}/events:
            get:
              summary: The message's timeline, oldest first, starting with message.created
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'Timeline', content: {application/json: {schema: {$ref: '#/components/schemas/MessageEventList'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/messages/{id}/seen:
            put:
              summary: Set seen (setting it again moves its timestamp, records no event)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'The item after the change', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
            delete:
              summary: Clear seen (message.unseen)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'The item after the change', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
          /v1/messages/{id}/read:
            put:
              summary: Set read (setting it again moves its timestamp, records no event)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'The item after the change', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
            delete:
              summary: Clear read (message.unread)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'The item after the change', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
          /v1/messages/{id}/archived:
            put:
              summary: Set archived (setting it again moves its timestamp, records no event)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'The item after the change', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
            delete:
              summary: Clear archived (message.unarchived)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              responses:
                '200': {description: 'The item after the change', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
          /v1/messages/{id}/interacted:
            put:
              summary: Set interacted, with optional metadata (it cannot be cleared; DELETE is 405)
              parameters: [{$ref: '#/components/parameters/MessageID'}]
              requestBody:
                required: false
                content: {application/json: {schema: {$ref: '#/components/schemas/InteractedRequest'}}}
              responses:
                '200': {description: 'The item after the change', content: {application/json: {schema: {$ref: '#/components/schemas/FeedItem'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
          /v1/messages/batch/{action}:
            post:
              summary: Apply an action to up to 1,000 messages by id in one transaction; unknown or foreign ids are left out
              parameters: [{$ref: '#/components/parameters/Action'}]
              requestBody:
                required: true
                content: {application/json: {schema: {$ref: '#/components/schemas/BatchRequest'}}}
              responses:
                '200':
                  description: The updated items, a bare array
                  content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/FeedItem'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '415': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}

        """

    static let operationPaths = """
          /v1/channels/{channel_id}/messages/bulk/{action}:
            post:
              summary: Apply an action to every matching message of a channel (mark all read / seen, archive all)
              description: A user token acts on its own user only (user_ids absent or [sub]; anything else is 403).
              parameters:
                - $ref: '#/components/parameters/ChannelID'
                - name: action
                  in: path
                  required: true
                  schema: {type: string, enum: [seen, unseen, read, unread, archived, unarchived, interacted, archive, unarchive]}
              requestBody:
                required: false
                content: {application/json: {schema: {$ref: '#/components/schemas/BulkRequest'}}}
              responses:
                '200': {description: 'Completed within the request', content: {application/json: {schema: {$ref: '#/components/schemas/BulkOperation'}}}}
                '202': {description: 'Continues in the background', content: {application/json: {schema: {$ref: '#/components/schemas/BulkOperation'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Error'}
                '415': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
          /v1/bulk_operations/{id}:
            get:
              summary: Progress of a bulk operation (a user token sees only those it started)
              parameters: [{name: id, in: path, required: true, schema: {type: string}}]
              responses:
                '200': {description: 'The operation', content: {application/json: {schema: {$ref: '#/components/schemas/BulkOperation'}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/Error'}

        """
}
