package com.outageimpact.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads the small JSON inputs (graph, incident) on the driver, from any Hadoop file system. */
public final class JsonDocuments {

  private JsonDocuments() {}

  /** The parsed document; a missing path or invalid JSON is an {@link InputException} naming the input and file. */
  public static JsonNode read(String input, String pathText, Configuration hadoopConf) {
    Path path = new Path(pathText);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      if (!fs.exists(path)) {
        throw new InputException("input '" + input + "': path does not exist: " + path);
      }
      try (InputStream in = fs.open(path)) {
        return new ObjectMapper().readTree(in);
      }
    } catch (IOException e) {
      throw new InputException("input '" + input + "': " + path + " is not valid JSON: "
          + Failures.firstLine(e), e);
    }
  }
}
