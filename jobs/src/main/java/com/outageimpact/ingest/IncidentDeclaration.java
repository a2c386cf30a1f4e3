package com.outageimpact.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.outageimpact.common.InputException;
import com.outageimpact.common.JsonDocuments;
import com.outageimpact.graph.ServiceGraph;
import com.outageimpact.schema.Schemas;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** What the operator declared about an incident, Statuspage-style (the optional incident input). */
public record IncidentDeclaration(String id, String rootComponent, List<Update> updates) implements Serializable {

  /** A status update: investigating, identified, monitoring or resolved. */
  public record Update(Instant at, String status) implements Serializable {}

  /** The first update with this status, if any. */
  public Optional<Instant> firstAt(String status) {
    return updates.stream().filter(u -> u.status().equals(status)).map(Update::at).min(Comparator.naturalOrder());
  }

  /** Reads and checks the incident JSON; the graph, when given, must know the root component. */
  public static IncidentDeclaration load(String pathText, Configuration hadoopConf, ServiceGraph graph) {
    Path path = new Path(pathText);
    JsonNode root = JsonDocuments.read("incident", pathText, hadoopConf);
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new InputException("input 'incident': " + path + " must be a JSON object");
    }
    String id = root.path("id").asText("").trim();
    if (id.isEmpty()) {
      problems.add("id is missing");
    } else if (!id.matches("[A-Za-z0-9._-]+")) {
      // The id names output folders (incident_id=<id>), so it must be safe as a path segment.
      problems.add("id '" + id + "' may only hold letters, digits, '.', '_' and '-'");
    }
    String rootComponent = root.path("root_component").asText("").trim();
    if (rootComponent.isEmpty()) {
      rootComponent = null;
    } else if (graph != null && !graph.has(rootComponent)) {
      problems.add("root_component '" + rootComponent + "' is not a component of the graph");
    }
    List<Update> updates = new ArrayList<>();
    int index = 0;
    for (JsonNode node : root.path("updates")) {
      String where = "updates[" + index++ + "]";
      String status = node.path("status").asText("").trim().toLowerCase(java.util.Locale.ROOT);
      String at = node.path("at").asText("").trim();
      if (!Schemas.INCIDENT_STATUSES.contains(status)) {
        problems.add(where + ": status '" + status + "' is not one of " + Schemas.INCIDENT_STATUSES);
        continue;
      }
      try {
        updates.add(new Update(OffsetDateTime.parse(at).toInstant(), status));
      } catch (DateTimeParseException e) {
        problems.add(where + ": at '" + at + "' is not an ISO-8601 timestamp with an offset or Z");
      }
    }
    if (!problems.isEmpty()) {
      throw new InputException("input 'incident': " + path + " is invalid: " + String.join("; ", problems));
    }
    updates.sort(Comparator.comparing(Update::at));
    return new IncidentDeclaration(id, rootComponent, updates);
  }
}
