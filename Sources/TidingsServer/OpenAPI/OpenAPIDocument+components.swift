extension OpenAPIDocument {
    static let components = """
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
              description: A secret API key, or a user token (HS256 JWT with sub and exp) for that user's feeds only.
          parameters:
            UserID: {name: user_id, in: path, required: true, description: '1-256 bytes of UTF-8, no control characters', schema: {type: string}}
            ChannelID: {name: channel_id, in: path, required: true, schema: {type: string, pattern: '^[A-Za-z0-9._-]{1,64}$'}}
            MessageID: {name: id, in: path, required: true, schema: {type: string}}
            Action:
              name: action
              in: path
              required: true
              schema: {type: string, enum: [seen, unseen, read, unread, archived, unarchived, interacted]}
          responses:
            Error:
              description: An error with a stable code
              content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
            Unauthorized:
              description: Missing, malformed, badly signed or expired credential
              headers: {WWW-Authenticate: {schema: {type: string, enum: [Bearer]}}}
              content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
            RetryLater:
              description: Too many open polls (429 per user, 503 server-wide)
              headers: {Retry-After: {schema: {type: integer}}}
              content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
          schemas:
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties: {code: {type: string}, message: {type: string}}
            Timestamp: {type: [string, 'null'], format: date-time, description: 'RFC 3339 UTC with milliseconds'}
            Block:
              type: object
              required: [type, name, content, rendered]
              properties:
                type: {type: string, enum: [markdown, text]}
                name: {type: string}
                content: {type: string, maxLength: 16384}
                rendered: {type: string, description: 'Safe HTML'}
            FeedItem:
              type: object
              required: [id, __cursor, channel_id, recipient, inserted_at, updated_at, seen_at, read_at, interacted_at,
                         archived_at, link_clicked_at, engagement_statuses, status, source, tenant, actors, data, blocks]
              properties:
                id: {type: string}
                __cursor: {type: string}
                channel_id: {type: string}
                recipient: {type: string}
                inserted_at: {type: string, format: date-time}
                updated_at: {type: string, format: date-time}
                seen_at: {$ref: '#/components/schemas/Timestamp'}
                read_at: {$ref: '#/components/schemas/Timestamp'}
                interacted_at: {$ref: '#/components/schemas/Timestamp'}
                archived_at: {$ref: '#/components/schemas/Timestamp'}
                link_clicked_at: {$ref: '#/components/schemas/Timestamp'}
                engagement_statuses: {type: array, items: {type: string, enum: [seen, read, interacted, archived, link_clicked]}}
                status: {type: string, enum: [delivered]}
                source: {type: [object, 'null'], properties: {key: {type: string}}}
                tenant: {type: [string, 'null']}
                actors: {type: array, items: {type: object}}
                data: {type: object}
                blocks: {type: array, items: {$ref: '#/components/schemas/Block'}}
            CreateMessagesRequest:
              type: object
              required: [recipients, blocks]
              properties:
                recipients: {type: array, minItems: 1, maxItems: 1000, uniqueItems: true, items: {type: string}}
                source: {type: string}
                tenant: {type: string}
                actor: {type: object, required: [id], properties: {id: {type: string}, name: {type: string}}}
                data: {type: object, description: 'At most 32 KiB encoded'}
                blocks:
                  type: array
                  minItems: 1
                  maxItems: 10
                  items:
                    type: object
                    required: [type, content]
                    properties:
                      type: {type: string, enum: [markdown, text]}
                      name: {type: string, default: body}
                      content: {type: string, description: 'At most 16 KiB'}
            CreateMessagesResponse:
              type: object
              properties:
                messages:
                  type: array
                  items:
                    type: object
                    properties: {id: {type: string}, recipient: {type: string}, channel_id: {type: string}, inserted_at: {type: string}}
            Counts:
              type: object
              properties: {total_count: {type: integer}, unread_count: {type: integer}, unseen_count: {type: integer}}
            FeedPage:
              type: object
              properties:
                entries: {type: array, items: {$ref: '#/components/schemas/FeedItem'}}
                meta:
                  allOf:
                    - $ref: '#/components/schemas/Counts'
                    - type: object
                      properties: {marked_seen: {type: integer}, updates_cursor: {type: string}}
                page_info:
                  type: object
                  properties:
                    after: {type: [string, 'null']}
                    before: {type: [string, 'null']}
                    page_size: {type: integer}
            FeedEvent:
              type: object
              required: [id, type, inserted_at]
              properties:
                id: {type: string, description: 'Position in the update stream'}
                type: {type: string, enum: [message.created, message.updated, feed.bulk_updated]}
                inserted_at: {type: string, format: date-time}
                message: {$ref: '#/components/schemas/FeedItem'}
                bulk: {type: object, properties: {action: {type: string}, rows: {type: integer}}}
            UpdatesResponse:
              type: object
              properties:
                events: {type: array, items: {$ref: '#/components/schemas/FeedEvent'}}
                cursor: {type: string}
                has_more: {type: boolean}
                meta: {$ref: '#/components/schemas/Counts'}
            MessageEventList:
              type: object
              properties:
                items:
                  type: array
                  items:
                    type: object
                    properties:
                      id: {type: string}
                      type: {type: string, enum: [message.created, message.seen, message.unseen, message.read, message.unread, message.interacted, message.archived, message.unarchived]}
                      inserted_at: {type: string, format: date-time}
                      data: {type: object}
            InteractedRequest:
              type: object
              properties:
                metadata: {type: object, maxProperties: 5, additionalProperties: {type: [string, number, boolean]}}
            BatchRequest:
              type: object
              required: [message_ids]
              properties:
                message_ids: {type: array, minItems: 1, maxItems: 1000, items: {type: string}}
                metadata: {type: object, maxProperties: 5}
            BulkRequest:
              type: object
              properties:
                user_ids: {type: array, items: {type: string}}
                recipient_ids: {type: array, items: {type: string}, description: 'Synonym of user_ids'}
                engagement_status: {type: string, enum: [seen, unseen, read, unread, archived, unarchived, interacted]}
                archived: {type: string, enum: [exclude, include, only], description: 'Default exclude, only for unarchived'}
                tenants: {type: array, items: {type: string}}
                has_tenant: {type: boolean}
                sources: {type: array, items: {type: string}}
                older_than: {type: string, format: date-time}
                newer_than: {type: string, format: date-time}
            BulkOperation:
              type: object
              properties:
                id: {type: string}
                name: {type: string}
                action: {type: string}
                status: {type: string, enum: [queued, processing, completed, failed]}
                estimated_total_rows: {type: integer}
                processed_rows: {type: integer}
                inserted_at: {type: string, format: date-time}
                completed_at: {type: [string, 'null'], format: date-time}

        """
}
